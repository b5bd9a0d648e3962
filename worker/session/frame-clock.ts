/**
 * A steady frame clock: ticks at a fixed rate against absolute deadlines (start + n·interval)
 * so timer jitter does not accumulate into drift; when it falls far behind (a long GC or a
 * blocked loop) it skips ahead instead of bursting frames.
 */

export interface FrameClockOptions {
  fps: number;
  /** Called once per frame with the frame number and the frame's due time (ms, monotonic). */
  onFrame: (frameIndex: number, dueMs: number) => void;
  /** Called when frames are skipped to catch up. */
  onSkip?: (skipped: number) => void;
  now?: () => number;
}

export interface FrameClock {
  stop(): void;
}

/** Falling more than this many frames behind skips instead of catching up. */
const MAX_LAG_FRAMES = 3;

export function startFrameClock(options: FrameClockOptions): FrameClock {
  const now = options.now ?? (() => performance.now());
  const intervalMs = 1000 / options.fps;
  const startMs = now();
  let frameIndex = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    const t = now();
    const behind = Math.floor((t - (startMs + frameIndex * intervalMs)) / intervalMs);
    if (behind > MAX_LAG_FRAMES) {
      frameIndex += behind;
      options.onSkip?.(behind);
    }
    options.onFrame(frameIndex, startMs + frameIndex * intervalMs);
    frameIndex++;
    const delay = Math.max(0, startMs + frameIndex * intervalMs - now());
    timer = setTimeout(tick, delay);
  };

  timer = setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
