import { describe, expect, it } from 'vitest';
import { BLINK_MAX_GAP_MS, BLINK_MIN_GAP_MS, BlinkSchedule } from './blink';

describe('BlinkSchedule', () => {
  it('blinks every 2-6 s for about 150 ms', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const schedule = new BlinkSchedule(0, random);
    const blinks: Array<{ start: number; end: number }> = [];
    let closedSince: number | undefined;
    for (let t = 0; t <= 60_000; t += 5) {
      const c = schedule.closureAt(t);
      if (c > 0 && closedSince === undefined) closedSince = t;
      if (c === 0 && closedSince !== undefined) {
        blinks.push({ start: closedSince, end: t });
        closedSince = undefined;
      }
    }
    expect(blinks.length).toBeGreaterThanOrEqual(10);
    expect(blinks.length).toBeLessThanOrEqual(30);
    for (const [i, blink] of blinks.entries()) {
      expect(blink.end - blink.start).toBeGreaterThanOrEqual(120);
      expect(blink.end - blink.start).toBeLessThanOrEqual(180);
      const previous = blinks[i - 1];
      if (previous) {
        expect(blink.start - previous.end).toBeGreaterThanOrEqual(BLINK_MIN_GAP_MS - 10);
        expect(blink.start - previous.end).toBeLessThanOrEqual(BLINK_MAX_GAP_MS + 10);
      }
    }
  });

  it('reaches fully closed during a blink', () => {
    const schedule = new BlinkSchedule(0, () => 0);
    let max = 0;
    for (let t = 0; t < 2_400; t += 10) max = Math.max(max, schedule.closureAt(t));
    expect(max).toBe(1);
  });
});
