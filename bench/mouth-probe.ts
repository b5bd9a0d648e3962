/**
 * The avatar's mouth as a viewer sees it, for A/V offsets: the mean brightness of the
 * synthetic avatar's mouth box in every decoded frame, and when it leaves its idle band.
 */
import { VideoStream, type RemoteTrack } from '@livekit/rtc-node';
import { SYNTHETIC_FACE } from '@/worker/testing/synthetic-avatar';

/** The mouth's mean brightness (Y plane) per received frame, inside the avatar's mouth box. */
export function recordMouth(track: RemoteTrack) {
  const reader = new VideoStream(track).getReader();
  const samples: { atMs: number; luma: number }[] = [];
  let stopped = false;
  const box = {
    x0: SYNTHETIC_FACE.mouth.left[0] + 10,
    x1: SYNTHETIC_FACE.mouth.right[0] - 10,
    // The lips and the gap that opens between them (as the worker-session test measures).
    y0: 355,
    y1: 400,
  };
  void (async () => {
    while (!stopped) {
      const { done, value } = await reader.read();
      if (done) break;
      const { frame } = value;
      const atMs = performance.now();
      // Decoded frames are I420: the first width×height bytes are the Y plane.
      const scale = frame.width / 512;
      let sum = 0;
      let n = 0;
      for (let y = Math.round(box.y0 * scale); y < Math.round(box.y1 * scale); y += 2) {
        const row = y * frame.width;
        for (let x = Math.round(box.x0 * scale); x < Math.round(box.x1 * scale); x += 2) {
          sum += frame.data[row + x] ?? 0;
          n++;
        }
      }
      samples.push({ atMs, luma: sum / Math.max(1, n) });
    }
  })().catch(() => undefined);
  return {
    samples,
    stop() {
      stopped = true;
      void reader.cancel().catch(() => undefined);
    },
  };
}

/** When the mouth started moving after `fromMs`: its brightness left the idle band. */
export function mouthOnsetAfter(samples: { atMs: number; luma: number }[], fromMs: number) {
  const idle = samples.filter((s) => s.atMs > fromMs - 600 && s.atMs <= fromMs).map((s) => s.luma);
  if (idle.length < 5) return undefined;
  const mean = idle.reduce((a, b) => a + b, 0) / idle.length;
  const spread = Math.max(...idle.map((v) => Math.abs(v - mean)));
  return samples.find((s) => s.atMs > fromMs && Math.abs(s.luma - mean) > Math.max(2, spread * 3))
    ?.atMs;
}
