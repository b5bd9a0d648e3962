/**
 * Renderer v2 while speaking: a Flite sentence's mouth track (blinks every 4 s, idle sway
 * and breathing on), output I420 as handed to LiveKit, at 512×512 and 720×720, on one core.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { measureOnnxP50Ms } from '@/bench/onnx-lip-sync-path';
import { preparePortrait } from '@/lib/avatars/prepare-portrait';
import type { FaceGeometry } from '@/protocol/face-geometry';
import { measureAppearance } from '@/protocol/appearance/avatar-appearance';
import { FaceRenderer } from '@/worker/render/face-renderer';
import type { RgbaImage } from '@/protocol/appearance/rgba-image';
import { createFliteTts } from '@/worker/tts/flite-tts';
import { mouthTrack } from '@/worker/visemes/mouth-driver';
import { percentile, round } from './stats';

const FRAMES = 1500; // 60 s of video at 25 fps
const TEXT =
  'Hello, and welcome to Facecast. I can answer your questions about the museum, ' +
  'its paintings, and the people who made them. What would you like to know?';

export async function renderBench() {
  pinToOneCore();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-bench-'));
  try {
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir: dir });
    const poses = mouthTrack(createFliteTts().synthesize(TEXT), { fps: 25 }).poses;
    const result: Record<string, number | string> = { frames: FRAMES, format: 'i420' };
    for (const sizePx of [512, 720]) {
      const { image, face } = await portraitAt(prepared.framePath, prepared.face, sizePx);
      const renderer = new FaceRenderer({
        frames: { frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [face] },
        widthPx: sizePx,
        heightPx: sizePx,
        appearance: measureAppearance(image, face),
        format: 'i420',
      });
      const out = new Uint8Array(renderer.frameBytes);
      const input = (f: number) => ({
        tick: f,
        timeMs: f * 40,
        pose: poses[f % poses.length]!,
        eyesClosed: f % 100 < 4 ? 1 : 0,
      });
      for (let f = 0; f < 200; f++) renderer.render(out, input(f)); // warm-up (JIT)
      const samples: number[] = [];
      const cpuBefore = process.cpuUsage();
      for (let f = 0; f < FRAMES; f++) {
        const start = performance.now();
        renderer.render(out, input(f));
        samples.push(performance.now() - start);
      }
      const cpu = process.cpuUsage(cpuBefore);
      samples.sort((a, b) => a - b);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      result[`p50_ms_${sizePx}`] = round(percentile(samples, 50));
      result[`p99_ms_${sizePx}`] = round(percentile(samples, 99));
      result[`fps_one_core_${sizePx}`] = Math.round(1000 / mean);
      // CPU time is what the frame costs; wall time above also counts waiting for the core.
      result[`cpu_ms_per_frame_${sizePx}`] = round((cpu.user + cpu.system) / 1000 / FRAMES);
    }
    // The ONNX path with the generated Wav2Lip-shaped model (S=96, batch 4): crop, mel,
    // inference round trip and paste per frame (bench/onnx-lip-sync-path.ts).
    result.onnx_p50_ms = round(await measureOnnxP50Ms());
    result.load_avg_1m = round(os.loadavg()[0] ?? 0);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The prepared portrait and its landmarks scaled to sizePx × sizePx. */
async function portraitAt(framePath: string, face: FaceGeometry, sizePx: number) {
  const { data, info } = await sharp(framePath)
    .resize(sizePx, sizePx)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const k = sizePx / info.width;
  const scaled: FaceGeometry = {
    box: {
      x: face.box.x * k,
      y: face.box.y * k,
      width: face.box.width * k,
      height: face.box.height * k,
    },
    landmarks: face.landmarks.map((p): [number, number] => [p[0] * k, p[1] * k]),
  };
  const image: RgbaImage = { data: new Uint8Array(data), widthPx: sizePx, heightPx: sizePx };
  return { image, face: scaled };
}

/** All of this process's threads on CPU 0, so the figures are one core's (Linux taskset). */
function pinToOneCore(): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    console.warn('taskset unavailable: figures are per thread, not pinned to one core');
  }
}
