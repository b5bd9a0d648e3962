/**
 * Overload policy for one session (docs/operations.md, "Overload"): when more than 5 % of
 * frame deadlines were missed over the last 10 s, the session steps its frame rate down
 * (25 → 20 → 15 fps) instead of dropping frames at random; after 30 s with under 1 % missed
 * at the lower rate it steps back up. Lower fps keeps motion smooth (every frame is on time,
 * the mouth follows the audio clock) and cuts the render and encoder cost proportionally.
 * Resolution stays: the frame store, the encoder and the viewers' layout are sized for it.
 * A session's first seconds are not judged: their misses are start-up (JIT, the room's first
 * packets), not overload.
 */

/** Frame rates the session may run at, best first. */
export const FPS_STEPS = [25, 20, 15] as const;
/** Window over which missed deadlines are counted, ms. */
export const MISS_WINDOW_MS = 10_000;
/** Share of missed deadlines in the window that triggers a step down. */
export const MISS_RATIO_DOWN = 0.05;
/** Share under which, held for RECOVER_AFTER_MS, the session steps back up. */
export const MISS_RATIO_UP = 0.01;
export const RECOVER_AFTER_MS = 30_000;

export interface GovernorDecision {
  /** The frame rate to run at from now on. */
  fps: number;
  /** Whether it changed with this observation. */
  changed: boolean;
}

export class QualityGovernor {
  /** Outcome per frame in the window: time (ms) and whether its deadline was missed. */
  private readonly times: number[] = [];
  private readonly missed: boolean[] = [];
  private head = 0;
  private missedInWindow = 0;
  private level = 0;
  /** Since when the window has been healthy (under MISS_RATIO_UP), ms; undefined if not. */
  private healthySinceMs: number | undefined;
  private changedAtMs: number;

  /** Until when frames are not judged (a session's start-up), ms. */
  private readonly judgeFromMs: number;

  /** @param graceMs frames of the first `graceMs` after `startMs` are not judged */
  constructor(startMs: number, graceMs = 0) {
    this.judgeFromMs = startMs + graceMs;
    this.changedAtMs = this.judgeFromMs;
  }

  get fps(): number {
    return FPS_STEPS[this.level]!;
  }

  get degraded(): boolean {
    return this.level > 0;
  }

  /** Records one frame's outcome at `nowMs`; returns the frame rate to use. */
  observe(nowMs: number, missedDeadline: boolean): GovernorDecision {
    if (nowMs < this.judgeFromMs) return { fps: this.fps, changed: false };
    this.times.push(nowMs);
    this.missed.push(missedDeadline);
    if (missedDeadline) this.missedInWindow++;
    while (this.head < this.times.length && this.times[this.head]! < nowMs - MISS_WINDOW_MS) {
      if (this.missed[this.head]) this.missedInWindow--;
      this.head++;
    }
    // Compact now and then so the arrays do not grow for the session's life.
    if (this.head > 1_000) {
      this.times.splice(0, this.head);
      this.missed.splice(0, this.head);
      this.head = 0;
    }
    const count = this.times.length - this.head;
    const ratio = count === 0 ? 0 : this.missedInWindow / count;
    // Judge a full window only, and never within one window of the last change.
    const windowFull = nowMs - this.changedAtMs >= MISS_WINDOW_MS;
    if (windowFull && ratio > MISS_RATIO_DOWN && this.level < FPS_STEPS.length - 1) {
      return this.change(this.level + 1, nowMs);
    }
    if (ratio < MISS_RATIO_UP) {
      this.healthySinceMs ??= nowMs;
      if (this.level > 0 && windowFull && nowMs - this.healthySinceMs >= RECOVER_AFTER_MS) {
        return this.change(this.level - 1, nowMs);
      }
    } else {
      this.healthySinceMs = undefined;
    }
    return { fps: this.fps, changed: false };
  }

  private change(level: number, nowMs: number): GovernorDecision {
    this.level = level;
    this.changedAtMs = nowMs;
    this.healthySinceMs = undefined;
    // Start the new rate with a clean window: the old misses were at the old rate.
    this.times.length = 0;
    this.missed.length = 0;
    this.head = 0;
    this.missedInWindow = 0;
    return { fps: this.fps, changed: true };
  }
}
