/**
 * Worker-thread entry that runs the ONNX lip-sync model. One inference call takes tens of ms
 * per frame; on the session thread it would stall the frame clock and RTC callbacks.
 * Buffers travel by transfer both ways, so a batch's memory is reused, never copied.
 */
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { LipSyncError } from '../../protocol/lip-sync/lip-sync-error';
import {
  checkOutputDims,
  resolveInterface,
  type ResolvedInterface,
} from '../../protocol/lip-sync/model-interface';
import { writeMelWindow } from './mel-windows';
import {
  computeMel,
  resampleTo16k,
  WAV2LIP_SAMPLE_RATE_HZ,
  type MelSpectrogram,
} from './wav2lip-mel';
import { MEL_STEP_SIZE, N_MELS } from '../../protocol/lip-sync/model-interface';
import type { LipSyncThreadReply, LipSyncThreadRequest } from './lip-sync-thread-protocol';

const port = parentPort;
if (!port) throw new Error('lip-sync-thread must run as a worker thread');

let session: ort.InferenceSession | undefined;
let iface: ResolvedInterface | undefined;
/** Mel of queued utterances by audio id; the session drops them, the cap is a safety net. */
const mels = new Map<number, MelSpectrogram>();
const KEPT_MELS = 8;

/** Model calls in flight: onnxruntime answers them on its own threads, so the thread may only
 * end once they are settled (a reply into a torn-down thread aborts the whole process). */
const inFlight = new Set<Promise<void>>();
function track(work: Promise<void>): void {
  inFlight.add(work);
  void work.finally(() => inFlight.delete(work));
}

const reply = (message: LipSyncThreadReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

function describe(error: unknown): { code: LipSyncError['code']; message: string } {
  if (error instanceof LipSyncError) return { code: error.code, message: error.message };
  return {
    code: 'inference_failed',
    message: error instanceof Error ? error.message : String(error),
  };
}

async function open(request: Extract<LipSyncThreadRequest, { case: 'open' }>['value']) {
  try {
    try {
      session = await ort.InferenceSession.create(request.modelPath, {
        intraOpNumThreads: request.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      // onnxruntime names the full path; the user knows the file by its name.
      const detail = (error instanceof Error ? error.message : String(error))
        .split(request.modelPath)
        .join(path.basename(request.modelPath));
      throw new LipSyncError(
        'model_invalid',
        `the lip-sync model is not an ONNX model onnxruntime can load (${detail}). Upload a Wav2Lip-compatible .onnx export`,
      );
    }
    iface = resolveInterface(session.inputMetadata, session.outputMetadata, request);
    reply({ case: 'opened', value: iface });
  } catch (error) {
    reply({ case: 'openFailed', value: describe(error) });
  }
}

function addAudio(request: Extract<LipSyncThreadRequest, { case: 'audio' }>['value']) {
  const pcm =
    request.sampleRateHz === WAV2LIP_SAMPLE_RATE_HZ
      ? request.pcm
      : resampleTo16k(request.pcm, request.sampleRateHz);
  mels.set(request.audioId, computeMel(pcm, WAV2LIP_SAMPLE_RATE_HZ));
  for (const key of mels.keys()) if (mels.size > KEPT_MELS) mels.delete(key);
}

async function infer(request: Extract<LipSyncThreadRequest, { case: 'infer' }>['value']) {
  const { id, count, mel, face, out, melFrom } = request;
  const buffers = [mel.buffer, face.buffer, out.buffer] as ArrayBuffer[];
  const started = performance.now();
  try {
    if (!session || !iface) throw new LipSyncError('engine_closed', 'no model is open');
    if (melFrom) {
      const spec = mels.get(melFrom.audioId);
      if (!spec) throw new LipSyncError('inference_failed', `audio ${melFrom.audioId} is gone`);
      for (let b = 0; b < count; b++) {
        writeMelWindow(spec, melFrom.firstFrame + b, melFrom.fps, mel, b * N_MELS * MEL_STEP_SIZE);
      }
    }
    const s = iface.faceSizePx;
    // Views from offset 0 with exactly `count` frames: a short batch runs as a smaller B.
    const feeds = {
      [iface.melName]: new ort.Tensor('float32', mel.subarray(0, count * N_MELS * MEL_STEP_SIZE), [
        count,
        1,
        N_MELS,
        MEL_STEP_SIZE,
      ]),
      [iface.faceName]: new ort.Tensor('float32', face.subarray(0, count * 6 * s * s), [
        count,
        6,
        s,
        s,
      ]),
    };
    const results = await session.run(feeds);
    const output = results[iface.outputName];
    if (!output || output.type !== 'float32') {
      throw new LipSyncError('interface_mismatch', `the model's output is not a float32 tensor`);
    }
    checkOutputDims(output.dims, count, s);
    out.set(output.data as Float32Array);
    output.dispose();
    reply(
      { case: 'inferred', value: { id, mel, face, out, inferMs: performance.now() - started } },
      buffers,
    );
  } catch (error) {
    reply({ case: 'inferFailed', value: { id, mel, face, out, ...describe(error) } }, buffers);
  }
}

port.on('message', (request: LipSyncThreadRequest) => {
  switch (request.case) {
    case 'open':
      track(open(request.value));
      break;
    case 'audio':
      addAudio(request.value);
      break;
    case 'dropAudio':
      mels.delete(request.value.audioId);
      break;
    case 'infer':
      // Runs synchronously up to the model run, so the mel windows are cut before any later
      // dropAudio message is handled.
      track(infer(request.value));
      break;
    case 'close':
      void (async () => {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await session?.release();
        session = undefined;
        port.close();
      })();
      break;
  }
});
