/**
 * A user's ONNX lip-sync model, running in its own worker thread. The session thread fills
 * batches (mel windows + 6-channel face crops), hands them over and gets the generated face
 * crops back; a batch's three buffers go to the thread and back by transfer, so steady-state
 * inference allocates nothing on the session side.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../built-entry';
import type { LipSyncModel } from '../../protocol/lip-sync/lip-sync-model';
import { LipSyncError } from '../../protocol/lip-sync/lip-sync-error';
import type {
  LipSyncThreadReply,
  LipSyncThreadRequest,
  MelSource,
} from './lip-sync-thread-protocol';
import type { ResolvedInterface } from '../../protocol/lip-sync/model-interface';
import { MEL_STEP_SIZE, N_MELS } from '../../protocol/lip-sync/model-interface';

/** Floats in one frame's mel window. */
export const MEL_WINDOW_FLOATS = N_MELS * MEL_STEP_SIZE;

/** One batch's tensors, row-major, frame-major: slot b of mel starts at b·1280. */
export interface LipSyncBatch {
  /** [batchSize,1,80,16] */
  mel: Float32Array;
  /** [batchSize,6,S,S], /255, channels: masked face then reference, each in channelOrder. */
  face: Float32Array;
  /** [batchSize,3,S,S] model output in [0,1], channelOrder. Valid after infer. */
  out: Float32Array;
  /** Frames filled (≤ batchSize). */
  count: number;
}

export interface LipSyncEngine {
  readonly interface: ResolvedInterface;
  readonly batchSize: number;
  readonly channelOrder: LipSyncModel['channelOrder'];
  /** A new batch sized for this model; allocate a few up front and reuse them. */
  createBatch(): LipSyncBatch;
  /**
   * Runs `batch.count` frames. The batch's arrays are detached while the thread holds them
   * and replaced by views of the same memory when the promise resolves.
   */
  infer(batch: LipSyncBatch, melFrom?: MelSource): Promise<LipSyncBatch>;
  /**
   * Hands speech to the thread, which computes its mel there (~3 ms per second of audio that
   * would otherwise stall the session thread); batches then name it in `infer(…, melFrom)`
   * instead of filling `mel`. Returns the audio id. The PCM is copied, not taken.
   */
  addAudio(pcm: Int16Array | Float32Array, sampleRateHz: number): number;
  /** Forgets audio added earlier (batches already sent for it still run). */
  dropAudio(audioId: number): void;
  close(): Promise<void>;
}

export interface OpenLipSyncOptions {
  model: LipSyncModel;
  /** onnxruntime intra-op threads; 1 keeps one session to one core. */
  intraOpThreads?: number;
  /** Load + check deadline in ms. */
  openTimeoutMs?: number;
}

/** The bundled thread when setup built it, else the TypeScript entry through tsx. */
function startLipSyncThread(): Worker {
  return startThread('lip-sync-thread', new URL('./lip-sync-thread.ts', import.meta.url));
}

/** How long a closing thread may take to settle its model calls before it is killed. */
const THREAD_END_GRACE_MS = 5_000;

/**
 * Ends the thread the clean way: it settles the model calls in flight, releases the model and
 * exits. Killing it mid-call lets onnxruntime answer into a torn-down thread, which aborts the
 * whole process ("terminate called after throwing an instance of 'Napi::Error'"); the kill
 * stays only as the last resort for a thread that does not end within the grace period.
 */
async function endThread(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return; // already ended
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const request: LipSyncThreadRequest = { case: 'close' };
  worker.postMessage(request);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), THREAD_END_GRACE_MS);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.terminate();
}

async function checkFile(modelPath: string): Promise<void> {
  try {
    await access(modelPath, constants.R_OK);
    const info = await stat(modelPath);
    if (!info.isFile()) throw new Error('not a file');
    if (info.size === 0) {
      throw new LipSyncError(
        'model_invalid',
        `the lip-sync model file ${path.basename(modelPath)} is empty; upload the .onnx file again`,
      );
    }
  } catch (error) {
    if (error instanceof LipSyncError) throw error;
    throw new LipSyncError(
      'model_missing',
      `the lip-sync model file ${path.basename(modelPath)} is missing or unreadable; upload the model again or remove it from the avatar`,
    );
  }
}

/** Loads and checks the model in a new worker thread; rejects with a LipSyncError. */
export async function openLipSync(options: OpenLipSyncOptions): Promise<LipSyncEngine> {
  const { model } = options;
  await checkFile(model.modelPath);
  const worker = startLipSyncThread();
  const pending = new Map<
    number,
    { batch: LipSyncBatch; resolve: (b: LipSyncBatch) => void; reject: (e: Error) => void }
  >();
  let opened: ((iface: ResolvedInterface) => void) | undefined;
  let openFailed: ((error: Error) => void) | undefined;
  let closed: LipSyncError | undefined;
  const fail = (error: LipSyncError) => {
    closed ??= error;
    openFailed?.(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (message: LipSyncThreadReply) => {
    switch (message.case) {
      case 'opened':
        opened?.(message.value);
        break;
      case 'openFailed':
        openFailed?.(new LipSyncError(message.value.code, message.value.message));
        break;
      case 'inferred':
      case 'inferFailed': {
        const p = pending.get(message.value.id);
        if (!p) return;
        pending.delete(message.value.id);
        Object.assign(p.batch, {
          mel: message.value.mel,
          face: message.value.face,
          out: message.value.out,
        });
        if (message.case === 'inferred') p.resolve(p.batch);
        else p.reject(new LipSyncError(message.value.code, message.value.message));
        break;
      }
    }
  });
  worker.on('error', (error) =>
    fail(new LipSyncError('engine_closed', `lip-sync thread failed: ${error.message}`)),
  );
  worker.on('exit', () => fail(new LipSyncError('engine_closed', 'lip-sync thread exited')));

  const timeoutMs = options.openTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let iface: ResolvedInterface;
  try {
    iface = await new Promise<ResolvedInterface>((resolve, reject) => {
      opened = resolve;
      openFailed = reject;
      timer = setTimeout(
        () =>
          reject(
            new LipSyncError(
              'model_invalid',
              `the lip-sync model did not load within ${timeoutMs / 1000} s`,
            ),
          ),
        timeoutMs,
      );
      const request: LipSyncThreadRequest = {
        case: 'open',
        value: {
          modelPath: model.modelPath,
          melInput: model.melInput,
          faceInput: model.faceInput,
          intraOpThreads: options.intraOpThreads ?? 1,
        },
      };
      worker.postMessage(request);
    });
  } catch (error) {
    await endThread(worker);
    throw error;
  } finally {
    clearTimeout(timer);
    opened = undefined;
    openFailed = undefined;
  }

  const s = iface.faceSizePx;
  let nextId = 0;
  let nextAudioId = 0;
  return {
    interface: iface,
    batchSize: model.batchSize,
    channelOrder: model.channelOrder,
    createBatch() {
      return {
        mel: new Float32Array(model.batchSize * MEL_WINDOW_FLOATS),
        face: new Float32Array(model.batchSize * 6 * s * s),
        out: new Float32Array(model.batchSize * 3 * s * s),
        count: 0,
      };
    },
    addAudio(pcm, sampleRateHz) {
      const audioId = nextAudioId++;
      const request: LipSyncThreadRequest = {
        case: 'audio',
        value: { audioId, pcm, sampleRateHz },
      };
      if (!closed) worker.postMessage(request);
      return audioId;
    },
    dropAudio(audioId) {
      const request: LipSyncThreadRequest = { case: 'dropAudio', value: { audioId } };
      if (!closed) worker.postMessage(request);
    },
    infer(batch, melFrom) {
      if (closed) return Promise.reject(closed);
      if (batch.count < 1 || batch.count > model.batchSize) {
        return Promise.reject(
          new RangeError(`batch.count must be 1..${model.batchSize}, got ${batch.count}`),
        );
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { batch, resolve, reject });
        const request: LipSyncThreadRequest = {
          case: 'infer',
          value: {
            id,
            count: batch.count,
            mel: batch.mel,
            face: batch.face,
            out: batch.out,
            ...(melFrom ? { melFrom } : {}),
          },
        };
        worker.postMessage(request, [
          batch.mel.buffer as ArrayBuffer,
          batch.face.buffer as ArrayBuffer,
          batch.out.buffer as ArrayBuffer,
        ]);
      });
    },
    async close() {
      if (closed?.message === 'closed') return;
      fail(new LipSyncError('engine_closed', 'closed'));
      await endThread(worker);
    },
  };
}
