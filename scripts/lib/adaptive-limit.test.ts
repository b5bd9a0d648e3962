import { describe, expect, it } from 'vitest';
import {
  adaptiveLimit,
  DEFAULT_LATENCY_TARGET_MS,
  MIN_LIMIT,
  parseLatencyTargetMs,
  WINDOW_CALLS,
} from './adaptive-limit.mjs';

/** Calls per decision: the limit, at least WINDOW_CALLS. */
const windowOf = (limit: ReturnType<typeof adaptiveLimit>) => Math.max(WINDOW_CALLS, limit.current);

/** Finishes a window of calls admitted now, each taking `ms`. */
function finishWindow(limit: ReturnType<typeof adaptiveLimit>, ms: number) {
  const admittedIn = limit.epoch;
  for (let i = windowOf(limit); i > 0; i--) limit.finished(ms, admittedIn);
}

describe('the adaptive limit on API calls in progress', () => {
  it('drops to 80 % when calls are slow while others are refused, down to its floor', () => {
    const limit = adaptiveLimit(32, 150);
    limit.refused();
    finishWindow(limit, 400);
    expect(limit.current).toBe(25);
    for (let i = 0; i < 20; i++) {
      limit.refused();
      finishWindow(limit, 400);
    }
    expect(limit.current).toBe(MIN_LIMIT);
  });

  it('does not drop for slow calls while nothing is refused: the limit did not hold them', () => {
    const limit = adaptiveLimit(32, 150);
    for (let i = 0; i < 5; i++) finishWindow(limit, 2_000);
    expect(limit.current).toBe(32);
  });

  it('judges the slowest tenth: one slow call in ten is not too slow', () => {
    const limit = adaptiveLimit(32, 150);
    limit.refused();
    const admittedIn = limit.epoch;
    for (let i = 0; i < 9; i++) limit.finished(50, admittedIn);
    limit.finished(5_000, admittedIn);
    for (let i = 10; i < windowOf(limit); i++) limit.finished(50, admittedIn);
    expect(limit.current).toBe(32);
  });

  it('decides once per `limit` calls, so it rises gently', () => {
    const limit = adaptiveLimit(32, 150);
    limit.refused();
    finishWindow(limit, 400);
    expect(limit.current).toBe(25);
    const admittedIn = limit.epoch;
    for (let i = 0; i < 24; i++) limit.finished(100, admittedIn);
    expect(limit.current).toBe(25);
    limit.finished(100, admittedIn);
    expect(limit.current).toBe(26);
  });

  it('rises by one per window of calls within the target, up to the maximum', () => {
    const limit = adaptiveLimit(32, 150);
    limit.refused();
    finishWindow(limit, 400);
    limit.refused();
    finishWindow(limit, 400);
    expect(limit.current).toBe(20);
    finishWindow(limit, 100);
    expect(limit.current).toBe(21);
    for (let i = 0; i < 30; i++) finishWindow(limit, 100);
    expect(limit.current).toBe(32);
  });

  it('does not count calls admitted before its last change', () => {
    const limit = adaptiveLimit(32, 150);
    const before = limit.epoch;
    limit.refused();
    finishWindow(limit, 400);
    expect(limit.current).toBe(25);
    // Slow calls admitted under the old limit finish now: they do not lower it again.
    limit.refused();
    for (let i = 0; i < 100; i++) limit.finished(400, before);
    expect(limit.current).toBe(25);
  });

  it('stays fixed at a target of 0, and never goes above a small maximum', () => {
    const fixed = adaptiveLimit(32, 0);
    fixed.refused();
    finishWindow(fixed, 10_000);
    expect(fixed.current).toBe(32);
    const small = adaptiveLimit(2, 150);
    small.refused();
    finishWindow(small, 400);
    expect(small.current).toBe(2);
    finishWindow(small, 10);
    expect(small.current).toBe(2);
  });

  it('reads FACECAST_APP_LATENCY_TARGET_MS strictly', () => {
    expect(parseLatencyTargetMs(undefined)).toBe(DEFAULT_LATENCY_TARGET_MS);
    expect(parseLatencyTargetMs(' ')).toBe(DEFAULT_LATENCY_TARGET_MS);
    expect(parseLatencyTargetMs('0')).toBe(0);
    expect(parseLatencyTargetMs('300')).toBe(300);
    for (const bad of ['-1', '1.5', 'fast', '60001'])
      expect(() => parseLatencyTargetMs(bad)).toThrow(
        /FACECAST_APP_LATENCY_TARGET_MS: must be a whole number/,
      );
  });
});
