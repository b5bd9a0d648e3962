/**
 * The session's video loop: a frame clock drives the render thread and hands each frame to
 * LiveKit, counting what it rendered, dropped and how long each frame took, and stepping the
 * frame rate down when deadlines are missed (quality-governor.ts). Frame numbers ("ticks")
 * follow the time at the nominal 25 fps whatever the current rate, so video loops and
 * lip-sync windows keep their pace when frames are fewer.
 */
import { VideoBufferType, VideoFrame, type VideoSource } from '@livekit/rtc-node';
import type { Logger } from '../log';
import type { SessionQuality } from '../../protocol/host-report';
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
  /**
   * Draws again the frames rendered ahead of their due time: what they showed (a mouth
   * speaking audio that was just dropped) is stale. Used on interruption.
   */
  redrawAhead(): void;
  stop(): void;
}

/** At most this many render-time samples are kept between two stats reads. */
const MAX_SAMPLES = 500;
/**
 * Frames rendered ahead of their due time. The render thread's round trip is ~5 ms but its
 * tail on a loaded host is long (p99 25-47 ms, max 70 ms with five talking sessions on two
 * cores, measured; with six, 2 % of frames still took over 80 ms): three frames ahead give
 * each render three frame intervals. The frame still shows its own due time (pose, eyes,
 * mouth of the audio heard then); the render host's pool must hold one more frame.
 */
export const RENDER_AHEAD_FRAMES = 3;
/** Misses in the first seconds (JIT, the room's first packets) are not overload. */
export const STARTUP_GRACE_MS = 3_000;

/** A frame requested from the render thread for one due time. */
interface PendingFrame {
  tick: number;
  dueMs: number;
  startedMs: number;
  frame?: Uint8Array;
  /** Stale before it came back: released on arrival. */
  discard?: boolean;
}

export function startVideoLoop(options: VideoLoopOptions): VideoLoop {
  const { renderer, source, log } = options;
  const bufferType = renderer.format === 'i420' ? VideoBufferType.I420 : VideoBufferType.RGBA;
  const nominalIntervalMs = 1000 / options.fps;
  const startMs = performance.now();
  const governor = new QualityGovernor(startMs, STARTUP_GRACE_MS);
  /** Oldest first; at most RENDER_AHEAD_FRAMES, each waiting for or holding its frame. */
  const pipeline: PendingFrame[] = [];
  let stopped = false;
  let tick = 0;
  let framesRendered = 0;
  let framesDropped = 0;
  /** Whether any frame has been handed over yet. */
  let published = false;
  /** Frames not ready at their due time since the last rate change, for the log. */
  let missedSinceChange = 0;
  let renderMs: number[] = [];
  let clock: FrameClock | undefined;

  const observe = (missed: boolean) => {
    if (missed) missedSinceChange++;
    const decision = governor.observe(performance.now(), missed);
    if (decision.changed && !stopped) {
      log.warn(
        { fps: decision.fps, degraded: governor.degraded, missedFrames: missedSinceChange },
        'session frame rate changed',
      );
      missedSinceChange = 0;
      clock?.stop();
      clock = startClock(decision.fps);
    }
  };

  const tickAt = (dueMs: number) => Math.round((dueMs - startMs) / nominalIntervalMs);

  const request = (dueMs: number) => {
    const pending: PendingFrame = { tick: tickAt(dueMs), dueMs, startedMs: performance.now() };
    pipeline.push(pending);
    renderer.render(options.inputFor(pending.tick, dueMs)).then(
      (frame) => {
        if (pending.discard || stopped) renderer.release(frame);
        else if (!published && pipeline[0] === pending) {
          // The session's very first frame goes out as soon as it is drawn.
          pipeline.shift();
          publishSafely(pending, frame);
        } else pending.frame = frame;
        if (renderMs.length < MAX_SAMPLES) renderMs.push(performance.now() - pending.startedMs);
      },
      (error: unknown) => {
        if (stopped) return;
        log.error({ err: error }, 'rendering failed');
        options.onFatal(error);
      },
    );
  };

  const publish = (pending: PendingFrame, frame: Uint8Array) => {
    tick = pending.tick;
    try {
      options.beforePublish?.(pending.tick, frame);
      // captureFrame copies the pixels before it returns (render-host.ts), so the buffer
      // goes straight back to the pool.
      source.captureFrame(new VideoFrame(frame, renderer.widthPx, renderer.heightPx, bufferType));
    } finally {
      renderer.release(frame);
    }
    framesRendered++;
    published = true;
  };

  /** publish(), or onFatal with the error; whether it went out. */
  const publishSafely = (pending: PendingFrame, frame: Uint8Array): boolean => {
    try {
      publish(pending, frame);
      return true;
    } catch (error) {
      log.error({ err: error }, 'publishing a frame failed');
      options.onFatal(error);
      return false;
    }
  };

  /** A frame that will not be shown: its buffer back now, or once it is drawn. */
  const drop = (pending: PendingFrame) => {
    if (pending.frame) renderer.release(pending.frame);
    else pending.discard = true;
  };

  /** One clock tick: hand over the frame due now, keep RENDER_AHEAD_FRAMES requested. */
  const onTick = (dueMs: number, intervalMs: number) => {
    // Frames for earlier slots (late, or a rate change): too old to show.
    while (pipeline.length > 0 && pipeline[0]!.dueMs < dueMs - intervalMs / 2) {
      drop(pipeline.shift()!);
    }
    const head = pipeline[0];
    const headIsThisSlot = head !== undefined && head.dueMs < dueMs + intervalMs / 2;
    if (headIsThisSlot && head.frame) {
      pipeline.shift();
      if (!publishSafely(head, head.frame)) return;
      observe(false);
    } else if (published) {
      // The frame for this slot is still being rendered (or could not be asked for: every
      // buffer is out): the slot goes without, and the frames after it keep their full time.
      // Slots before the very first frame are the loop starting, not misses.
      if (headIsThisSlot) drop(pipeline.shift()!);
      framesDropped++;
      observe(true);
    }
    // A stale frame still being rendered holds its buffer until it comes back. Before the
    // first frame, this slot's frame is asked for too (it goes out as soon as it is drawn).
    let nextDueMs = pipeline.at(-1)?.dueMs ?? (published ? dueMs : dueMs - intervalMs);
    while (pipeline.length < RENDER_AHEAD_FRAMES && renderer.freeFrames > 0) {
      nextDueMs += intervalMs;
      request(nextDueMs);
    }
  };

  const startClock = (fps: number): FrameClock => {
    const intervalMs = 1000 / fps;
    return startFrameClock({
      fps,
      onFrame: (_index, dueMs) => onTick(dueMs, intervalMs),
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
    redrawAhead() {
      if (stopped) return;
      const dueTimes = pipeline.splice(0).map((pending) => {
        drop(pending);
        return pending.dueMs;
      });
      // Buffers of frames still being drawn come back later: ask for what fits now; the
      // next ticks fill the rest of the pipeline as usual.
      for (const dueMs of dueTimes) {
        if (renderer.freeFrames === 0) break;
        request(dueMs);
      }
    },
    stop() {
      stopped = true;
      clock?.stop();
      for (const pending of pipeline.splice(0)) drop(pending);
    },
  };
}
