import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lipSyncModelSchema, type LipSyncModel } from '../../protocol/lip-sync/lip-sync-model';
import { LipSyncError } from '../../protocol/lip-sync/lip-sync-error';
import { openLipSync, MEL_WINDOW_FLOATS, type LipSyncEngine } from './onnx-lip-sync';
import { writeMelWindow } from './mel-windows';
import {
  buildTestLipSyncModel,
  type TestLipSyncModelOptions,
} from '../../protocol/testing/lip-sync-test-model';
import { computeMel } from './wav2lip-mel';

const S = 96;
let dir: string;

async function modelFile(name: string, options: TestLipSyncModelOptions = {}) {
  const file = path.join(dir, `${name}.onnx`);
  await writeFile(file, buildTestLipSyncModel(options));
  return file;
}

const config = (modelPath: string, extra: Partial<LipSyncModel> = {}) =>
  lipSyncModelSchema.parse({ modelPath, ...extra });

async function rejection(promise: Promise<unknown>): Promise<LipSyncError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LipSyncError);
  return error as LipSyncError;
}

/** Deterministic pseudo-random face and mel inputs for `count` frames. */
function fillInputs(engine: LipSyncEngine, count: number, seed: number) {
  const batch = engine.createBatch();
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count * MEL_WINDOW_FLOATS; i++) batch.mel[i] = next() * 8 - 4;
  for (let i = 0; i < count * 6 * S * S; i++) batch.face[i] = next();
  batch.count = count;
  return batch;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lipsync-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openLipSync', () => {
  it('resolves inputs by shape whatever their names and order', async () => {
    const file = await modelFile('renamed', {
      melName: 'audio_sequences',
      faceName: 'face_sequences',
      outputName: 'pred',
      faceFirst: true,
    });
    const engine = await openLipSync({ model: config(file) });
    try {
      expect(engine.interface).toEqual({
        melName: 'audio_sequences',
        faceName: 'face_sequences',
        outputName: 'pred',
        faceSizePx: S,
      });
    } finally {
      await engine.close();
    }
  });

  it('uses configured names and rejects a name the model does not have', async () => {
    const file = await modelFile('named', { melName: 'a', faceName: 'b' });
    const engine = await openLipSync({ model: config(file, { melInput: 'a', faceInput: 'b' }) });
    expect(engine.interface.melName).toBe('a');
    await engine.close();
    const error = await rejection(openLipSync({ model: config(file, { melInput: 'mel' }) }));
    expect(error.code).toBe('interface_mismatch');
    expect(error.message).toContain('no input named "mel"');
    expect(error.message).toContain('"a", "b"');
  });

  it('rejects a wrong interface naming the input and its shape', async () => {
    const narrowMel = await modelFile('mel8', { melShape: ['B', 1, 80, 8] });
    const e1 = await rejection(openLipSync({ model: config(narrowMel, { melInput: 'mel' }) }));
    expect(e1.code).toBe('interface_mismatch');
    expect(e1.message).toMatch(/mel input "mel" has shape \[B,1,80,8\], expected \[B,1,80,16\]/);

    const twelveChannelFace = await modelFile('face12', { faceShape: ['B', 12, S, S] });
    const e2 = await rejection(openLipSync({ model: config(twelveChannelFace) }));
    expect(e2.message).toMatch(/face input "face" has shape \[B,12,96,96\], expected \[B,6,S,S\]/);

    const extra = await modelFile('extra', { extraInput: true });
    const e3 = await rejection(openLipSync({ model: config(extra) }));
    expect(e3.message).toContain('exactly two inputs');
    expect(e3.message).toContain('"speaker_id" [B,4]');
  });

  it('rejects a missing file and a file that is not ONNX with what to do', async () => {
    const missing = await rejection(openLipSync({ model: config(path.join(dir, 'nope.onnx')) }));
    expect(missing.code).toBe('model_missing');
    expect(missing.message).toContain('upload the model again');

    const garbage = path.join(dir, 'garbage.onnx');
    await writeFile(garbage, 'this is not a protobuf, just some text pretending to be a model');
    const invalid = await rejection(openLipSync({ model: config(garbage) }));
    expect(invalid.code).toBe('model_invalid');
    expect(invalid.message).toContain('not an ONNX model');
  });
});

describe('inference', () => {
  let engine1: LipSyncEngine;
  let engine4: LipSyncEngine;
  beforeAll(async () => {
    const file = await modelFile('plain');
    engine1 = await openLipSync({ model: config(file, { batchSize: 1 }) });
    engine4 = await openLipSync({ model: config(file, { batchSize: 4 }) });
  });
  afterAll(async () => {
    await engine1.close();
    await engine4.close();
  });

  it('a batch of 4 gives the same crops as 4 runs of batch 1, and a short batch works', async () => {
    const big = await engine4.infer(fillInputs(engine4, 4, 7));
    const batched = big.out.slice();
    const reference = fillInputs(engine4, 4, 7);
    for (let f = 0; f < 4; f++) {
      const one = engine1.createBatch();
      one.mel.set(reference.mel.subarray(f * MEL_WINDOW_FLOATS, (f + 1) * MEL_WINDOW_FLOATS));
      one.face.set(reference.face.subarray(f * 6 * S * S, (f + 1) * 6 * S * S));
      one.count = 1;
      const out = (await engine1.infer(one)).out;
      const slice = batched.subarray(f * 3 * S * S, (f + 1) * 3 * S * S);
      let maxDiff = 0;
      for (let i = 0; i < out.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(out[i]! - slice[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
    }
    const shortBatch = fillInputs(engine4, 4, 7);
    shortBatch.count = 3;
    const short = await engine4.infer(shortBatch);
    expect(short.out.subarray(0, 3 * 3 * S * S)).toEqual(batched.subarray(0, 3 * 3 * S * S));
  });

  it('the output moves with the audio and with the face', async () => {
    const batch = engine4.createBatch();
    batch.face.fill(0.5);
    batch.mel.fill(-4, 0, MEL_WINDOW_FLOATS); // frame 0 silent
    batch.mel.fill(0, MEL_WINDOW_FLOATS, 2 * MEL_WINDOW_FLOATS); // frame 1 loud
    batch.mel.fill(-4, 2 * MEL_WINDOW_FLOATS);
    batch.face.fill(0.9, 2 * 6 * S * S, 3 * 6 * S * S); // frame 2 brighter face
    batch.count = 3;
    const { out } = await engine4.infer(batch);
    const lowerPixel = (frame: number) => out[frame * 3 * S * S + (S - 1) * S]!;
    expect(lowerPixel(1)).toBeGreaterThan(lowerPixel(0) + 0.1);
    expect(lowerPixel(2)).toBeGreaterThan(lowerPixel(0) + 0.1);
  });

  it('mel windows computed on the thread from the speech equal the ones built here', async () => {
    const pcm = new Int16Array(16_000);
    for (let i = 0; i < pcm.length; i++)
      pcm[i] = Math.round(9000 * Math.sin(i * 0.09) * Math.sin(i / 500));
    const audioId = engine4.addAudio(pcm, 16_000);
    const here = engine4.createBatch();
    const spec = computeMel(pcm, 16_000);
    for (let b = 0; b < 4; b++) writeMelWindow(spec, 10 + b, 25, here.mel, b * MEL_WINDOW_FLOATS);
    here.face.fill(0.4);
    here.count = 4;
    const expected = (await engine4.infer(here)).out.slice();
    const there = engine4.createBatch();
    there.face.fill(0.4);
    there.count = 4;
    const { out, mel } = await engine4.infer(there, { audioId, firstFrame: 10, fps: 25 });
    expect(mel).toEqual(here.mel);
    expect(out).toEqual(expected);
  });

  it('reuses the batch memory: buffers come back after the round trip', async () => {
    const batch = fillInputs(engine4, 4, 3);
    const bytes = batch.out.byteLength;
    const pending = engine4.infer(batch);
    expect(batch.out.byteLength).toBe(0); // transferred to the thread
    const back = await pending;
    expect(back).toBe(batch);
    expect(back.out.byteLength).toBe(bytes);
  });
});

describe('close', () => {
  it('waits for a model call in flight instead of killing the thread under it', async () => {
    // Killing the thread mid-call let onnxruntime answer into a torn-down thread, which
    // aborted the whole process; this file would not finish.
    const file = await modelFile('slow', { slowRepeats: 60 }); // ~100 ms per frame
    const engine = await openLipSync({ model: config(file, { batchSize: 4 }) });
    const running = rejection(engine.infer(fillInputs(engine, 4, 5)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await engine.close();
    expect((await running).code).toBe('engine_closed');
    await expect(engine.infer(fillInputs(engine, 1, 5))).rejects.toThrow(/closed/);
  });
});
