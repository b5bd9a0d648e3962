/** When the avatar blinks: every 2-6 s, about 150 ms, closing faster than it opens. */

export const BLINK_MIN_GAP_MS = 2_000;
export const BLINK_MAX_GAP_MS = 6_000;
export const BLINK_CLOSE_MS = 60;
export const BLINK_HOLD_MS = 20;
export const BLINK_OPEN_MS = 70;

export class BlinkSchedule {
  private nextStartMs: number;

  /** `random` returns 0..1 (Math.random in production, seeded in tests). */
  constructor(
    startMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.nextStartMs = startMs + this.gap();
  }

  private gap(): number {
    return BLINK_MIN_GAP_MS + (BLINK_MAX_GAP_MS - BLINK_MIN_GAP_MS) * this.random();
  }

  /** Eyelid closure 0..1 at time `nowMs`; call with non-decreasing times. */
  closureAt(nowMs: number): number {
    const t = nowMs - this.nextStartMs;
    if (t < 0) return 0;
    if (t < BLINK_CLOSE_MS) return easeInOut(t / BLINK_CLOSE_MS);
    if (t < BLINK_CLOSE_MS + BLINK_HOLD_MS) return 1;
    const opening = t - BLINK_CLOSE_MS - BLINK_HOLD_MS;
    if (opening < BLINK_OPEN_MS) return 1 - easeInOut(opening / BLINK_OPEN_MS);
    this.nextStartMs = nowMs + this.gap();
    return 0;
  }
}

function easeInOut(t: number): number {
  return t * t * (3 - 2 * t);
}
