/**
 * The session's video loop: a frame clock drives the render thread and hands each frame to
 * LiveKit, counting what it rendered, dropped and how long each frame took, and stepping the
 * frame rate down when deadlines are missed (quality-governor.ts). Frame numbers ("ticks")
 * follow the time at the nominal 25 fps whatever the current rate, so video loops and
 * lip-sync windows keep their pace when frames are fewer.
 */
import { VideoBufferType, VideoFrame, type VideoSource } from '@livekit/rtc-node';
import type { Logger } from '../log';
import type { SessionQuality } from '../protocol/host-report';
import type { RenderHost } from '../render/render-host';
import type { RenderInput } from '../render/face-renderer';
import { startFrameClock, type FrameClock } from './frame-clock';
import { QualityGovernor } from './quality-governor';

export interface VideoLoopOptions {
  renderer: RenderHost;
  source: VideoSource;
  /** Nominal frame rate (the store's and the lip-sync model's), frames per second. */
  fps: number;
  log: Logger;
  /** What to draw for a tick (pose, eyes) at the frame's due time. */
  inputFor: (tick: number, dueMs: number) => RenderInput;
  /** Called with each rendered frame before it is published (lip-sync paste). */
  beforePublish?: (tick: number, frame: Uint8Array) => void;
  onFatal: (error: unknown) => void;
}

/** Figures since the previous `takeStats()`. */
export interface VideoLoopStats {
  framesRendered: number;
  framesDropped: number;
  renderMs: number[];
  quality: SessionQuality;
}

export interface VideoLoop {
  /** The tick of the frame being drawn now (nominal-rate frame number). */
  readonly tick: number;
  takeStats(): VideoLoopStats;
  stop(): void;
}

/** At most this many render-time samples are kept between two stats reads. */
const MAX_SAMPLES = 500;

export function startVideoLoop(options: VideoLoopOptions): VideoLoop {
  const { renderer, source, log } = options;
  const bufferType = renderer.format === 'i420' ? VideoBufferType.I420 : VideoBufferType.RGBA;
  const nominalIntervalMs = 1000 / options.fps;
  const startMs = performance.now();
  const governor = new QualityGovernor(startMs);
  let rendering = false;
  let stopped = false;
  let tick = 0;
  let framesRendered = 0;
  let framesDropped = 0;
  let renderMs: number[] = [];
  let clock: FrameClock | undefined;

  const observe = (missed: boolean) => {
    const decision = governor.observe(performance.now(), missed);
    if (decision.changed && !stopped) {
      log.warn({ fps: decision.fps, degraded: governor.degraded }, 'session frame rate changed');
      clock?.stop();
      clock = startClock(decision.fps);
    }
  };

  const publish = async (frameTick: number, dueMs: number, intervalMs: number) => {
    const started = performance.now();
    const frame = await renderer.render(options.inputFor(frameTick, dueMs));
    try {
      options.beforePublish?.(frameTick, frame);
      // captureFrame copies the pixels before it returns (render-host.ts), so the buffer
      // goes straight back to the pool.
      source.captureFrame(new VideoFrame(frame, renderer.widthPx, renderer.heightPx, bufferType));
    } finally {
      renderer.release(frame);
    }
    const finished = performance.now();
    framesRendered++;
    if (renderMs.length < MAX_SAMPLES) renderMs.push(finished - started);
    // Late: handed over after the next frame was due.
    observe(finished > dueMs + intervalMs);
  };

  const startClock = (fps: number): FrameClock => {
    const intervalMs = 1000 / fps;
    return startFrameClock({
      fps,
      onFrame: (_index, dueMs) => {
        tick = Math.round((dueMs - startMs) / nominalIntervalMs);
        // The render thread is still busy with the last frame: drop this one, keep the pace.
        if (rendering) {
          framesDropped++;
          observe(true);
          return;
        }
        rendering = true;
        publish(tick, dueMs, intervalMs)
          .catch((error: unknown) => {
            log.error({ err: error }, 'rendering failed');
            options.onFatal(error);
          })
          .finally(() => {
            rendering = false;
          });
      },
      onSkip: (skipped) => {
        framesDropped += skipped;
        for (let i = 0; i < skipped; i++) observe(true);
        log.warn({ skipped }, 'video frames skipped');
      },
    });
  };
  clock = startClock(governor.fps);

  return {
    get tick() {
      return tick;
    },
    takeStats() {
      const stats: VideoLoopStats = {
        framesRendered,
        framesDropped,
        renderMs,
        quality: {
          fps: governor.fps,
          widthPx: renderer.widthPx,
          heightPx: renderer.heightPx,
          degraded: governor.degraded,
        },
      };
      framesRendered = 0;
      framesDropped = 0;
      renderMs = [];
      return stats;
    },
    stop() {
      stopped = true;
      clock?.stop();
    },
  };
}
