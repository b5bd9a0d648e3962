import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { preparePortrait } from '@/lib/avatars/prepare-portrait';
import { AvatarRenderer } from '@/worker/render/avatar-renderer';
import { loadRgbaImage } from '@/worker/render/rgba-image';
import { percentile, round } from './stats';

const FRAMES = 1500; // 60 s of video at 25 fps

export async function renderBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-bench-'));
  try {
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir: dir });
    const image = await loadRgbaImage(prepared.framePath, prepared);
    const renderer = new AvatarRenderer(image, prepared.face);
    const out = new Uint8Array(renderer.frameBytes);
    // Speaking: openness follows a syllable-rate wave; a blink every 100 frames.
    const pose = (i: number) => ({
      mouthOpen: 0.5 + 0.5 * Math.sin(i * 0.9),
      eyesClosed: i % 100 < 4 ? 1 : 0,
    });
    for (let i = 0; i < 100; i++) renderer.render(out, pose(i)); // warm-up (JIT)
    const samples: number[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const start = performance.now();
      renderer.render(out, pose(i));
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    return {
      frames: FRAMES,
      size: `${prepared.widthPx}x${prepared.heightPx}`,
      p50_ms_512: round(percentile(samples, 50)),
      p99_ms_512: round(percentile(samples, 99)),
      mean_ms_512: round(mean),
      fps_one_core_512: Math.round(1000 / mean),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
