/**
 * Cost of the ONNX lip-sync path per video frame, with the generated stand-in model: filling
 * the face crops, inference on the thread (mel window + model, round trip), and pasting the
 * result into a 512×512 frame. The generated model is nearly free, so the figure is the
 * path's own overhead; a real Wav2Lip adds its inference time on top.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { lipSyncModelSchema } from '../protocol/lip-sync/lip-sync-model';
import { syntheticAvatar, syntheticImage } from '../worker/testing/synthetic-avatar';
import { FaceCropper, faceCropBox } from '../worker/lipsync/face-crop';
import { FacePaster } from '../worker/lipsync/face-paste';
import { openLipSync } from '../worker/lipsync/onnx-lip-sync';
import { buildTestLipSyncModel } from '../protocol/testing/lip-sync-test-model';

export interface OnnxBenchOptions {
  /** Face crop side S in px (default 96, Wav2Lip's). */
  faceSizePx?: number;
  batchSize?: number;
  /** Measured batches after warm-up (default 100). */
  batches?: number;
  fps?: number;
}

export interface OnnxBenchResult {
  /** Whole path per frame (fill + inference round trip + paste), ms. */
  p50Ms: number;
  p99Ms: number;
  /** Work on the session thread alone per frame (fill + paste), ms. */
  sessionThreadP50Ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function measureOnnxPath(options: OnnxBenchOptions = {}): Promise<OnnxBenchResult> {
  const s = options.faceSizePx ?? 96;
  const fps = options.fps ?? 25;
  const batches = options.batches ?? 100;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onnx-bench-'));
  const modelPath = path.join(dir, 'stand-in.onnx');
  await writeFile(modelPath, buildTestLipSyncModel({ faceSizePx: s }));
  const engine = await openLipSync({
    model: lipSyncModelSchema.parse({ modelPath, batchSize: options.batchSize ?? 4 }),
  });
  try {
    const image = syntheticImage();
    const { face } = syntheticAvatar('/unused.png');
    const box = faceCropBox(face, image);
    const cropper = new FaceCropper(box, s, engine.channelOrder);
    const paster = new FacePaster(box, s, engine.channelOrder, face);
    const pcm = new Float32Array(16_000 * 10);
    for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin(i * 0.07) * Math.sin(i / 700);
    const audioId = engine.addAudio(pcm, 16_000);
    const target = new Uint8Array(image.data);
    const batch = engine.createBatch();
    const n = engine.batchSize;
    const total: number[] = [];
    const sessionThread: number[] = [];
    let frame = 0;
    for (let i = -10; i < batches; i++) {
      const t0 = performance.now();
      for (let b = 0; b < n; b++) cropper.fill(batch.face, b, image);
      batch.count = n;
      const t1 = performance.now();
      // Mel windows are cut on the inference thread, as in a session.
      await engine.infer(batch, { audioId, firstFrame: frame, fps });
      frame = (frame + n) % 240;
      const t2 = performance.now();
      for (let b = 0; b < n; b++) paster.paste(target, image.widthPx, batch.out, b);
      const t3 = performance.now();
      if (i < 0) continue; // warm-up
      total.push((t3 - t0) / n);
      sessionThread.push((t1 - t0 + (t3 - t2)) / n);
    }
    return {
      p50Ms: percentile(total, 50),
      p99Ms: percentile(total, 99),
      sessionThreadP50Ms: percentile(sessionThread, 50),
    };
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** p50 per-frame cost of the ONNX path in ms (S=96, batch 4), for `npm run bench -- render`. */
export async function measureOnnxP50Ms(options?: OnnxBenchOptions): Promise<number> {
  return (await measureOnnxPath(options)).p50Ms;
}
