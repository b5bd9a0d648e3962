import type { VideoFrame, VideoSource } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import type { RenderHost } from '../render/render-host';
import type { RenderInput } from '../render/face-renderer';
import { RENDER_AHEAD_FRAMES, startVideoLoop } from './video-loop';

const FPS = 25;
const INTERVAL_MS = 1000 / FPS;
const log = createLogger({ name: 'test', level: 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A render host whose round trip takes `delayMs(n)` for the n-th frame, with the real
 * host's pool rule (render() rejects when every buffer is out). Each frame's first bytes
 * carry the due time it was rendered for. `serial`: one render at a time, like the render
 * thread when its time is computing; otherwise the delays overlap, like a round trip that is
 * mostly waiting to be scheduled.
 */
function slowRenderHost(delayMs: (n: number) => number, serial = false) {
  // The real host's default pool (render-host.ts).
  const free: Uint8Array[] = Array.from({ length: 5 }, () => new Uint8Array(16));
  let n = 0;
  let previous = Promise.resolve();
  const errors: unknown[] = [];
  const host: RenderHost = {
    widthPx: 4,
    heightPx: 4,
    format: 'i420',
    frameBytes: 16,
    fps: FPS,
    frameCount: 1,
    get freeFrames() {
      return free.length;
    },
    render(input: RenderInput) {
      const frame = free.pop();
      if (!frame) {
        const error = new Error('all frame buffers are in use');
        errors.push(error);
        return Promise.reject(error);
      }
      new Float64Array(frame.buffer)[0] = input.timeMs;
      const delay = delayMs(n++);
      const done = (serial ? previous : Promise.resolve()).then(() => sleep(delay));
      previous = done;
      return done.then(() => frame);
    },
    release(frame) {
      free.push(frame);
    },
    close: () => Promise.resolve(),
  };
  return { host, errors };
}

/** A video source that records when each frame arrived and the due time it was drawn for. */
function recordingSource() {
  const published: Array<{ atMs: number; dueMs: number }> = [];
  const source = {
    captureFrame(frame: VideoFrame) {
      published.push({ atMs: performance.now(), dueMs: new Float64Array(frame.data.buffer)[0]! });
    },
  } as unknown as VideoSource;
  return { source, published };
}

function run(host: RenderHost, source: VideoSource, fatal: unknown[]) {
  return startVideoLoop({
    renderer: host,
    source,
    fps: FPS,
    log,
    inputFor: (tick, dueMs) => ({ tick, timeMs: dueMs }) as RenderInput,
    onFatal: (error) => fatal.push(error),
  });
}

describe('startVideoLoop', () => {
  it('renders ahead: a round trip longer than a frame interval still fills every slot', async () => {
    // 50-70 ms per frame: longer than one 40 ms interval, shorter than those rendered ahead.
    const { host, errors } = slowRenderHost((n) => 50 + (n % 3) * 10);
    const { source, published } = recordingSource();
    const fatal: unknown[] = [];
    const loop = run(host, source, fatal);
    await sleep(2_000);
    loop.stop();
    const stats = loop.takeStats();
    expect(fatal).toEqual([]);
    expect(errors).toEqual([]);
    // ~50 slots in 2 s; the first RENDER_AHEAD_FRAMES wait for the first renders.
    expect(published.length).toBeGreaterThanOrEqual(50 - RENDER_AHEAD_FRAMES - 6);
    expect(stats.framesDropped).toBeLessThanOrEqual(3);
  });

  it('hands each frame over at the due time it was drawn for', async () => {
    const { host } = slowRenderHost(() => 5);
    const { source, published } = recordingSource();
    const startedMs = performance.now();
    const loop = run(host, source, []);
    await sleep(1_000);
    loop.stop();
    // The first frame does not wait for the pipeline to fill: out as soon as it is drawn.
    expect(published[0]!.atMs - startedMs).toBeLessThan(INTERVAL_MS / 2);
    const dues = published.map((p) => p.dueMs);
    // One frame per slot, in order, 40 ms apart.
    for (let i = 1; i < dues.length; i++) expect(dues[i]! - dues[i - 1]!).toBeCloseTo(40, 0);
    // Handed over at its slot (timer jitter aside), never a frame early by a whole interval.
    const offsets = published.map((p) => p.atMs - p.dueMs).sort((a, b) => a - b);
    expect(offsets[0]!).toBeGreaterThan(-INTERVAL_MS / 2);
    expect(offsets[Math.floor(offsets.length / 2)]!).toBeLessThan(INTERVAL_MS / 2);
  });

  it('drops the slots a stalled render misses, never runs out of buffers, and recovers', async () => {
    // Frame 10 takes 400 ms (a long GC in the render thread); the rest 5 ms.
    const { host, errors } = slowRenderHost((n) => (n === 10 ? 400 : 5), true);
    const { source, published } = recordingSource();
    const fatal: unknown[] = [];
    const loop = run(host, source, fatal);
    await sleep(1_500);
    const countAfterStall = published.length;
    await sleep(500);
    loop.stop();
    const stats = loop.takeStats();
    expect(fatal).toEqual([]);
    expect(errors).toEqual([]);
    expect(stats.framesDropped).toBeGreaterThanOrEqual(5);
    // Back to a frame per slot after the stall.
    expect(published.length - countAfterStall).toBeGreaterThanOrEqual(10);
    // Frames are never shown out of order.
    const dues = published.map((p) => p.dueMs);
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
  });
});
