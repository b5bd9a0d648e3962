import { describe, expect, it } from 'vitest';
import { nextRetryAt, RETRY_WINDOW_MS } from './events';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe('nextRetryAt', () => {
  const first = new Date('2031-01-01T00:00:00.000Z');
  const at = (ms: number) => new Date(first.getTime() + ms);

  it('backs off 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h', () => {
    let now = first;
    const gaps: number[] = [];
    for (let attempts = 1; attempts <= 6; attempts++) {
      const next = nextRetryAt({ attempts, firstAttemptAt: first, now })!;
      gaps.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(gaps).toEqual([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR]);
  });

  it('makes the last retry at the end of the 24 h window, then gives up', () => {
    const late = at(17 * HOUR + 35 * MINUTE + 5 * SECOND);
    expect(nextRetryAt({ attempts: 7, firstAttemptAt: first, now: late })).toEqual(
      at(RETRY_WINDOW_MS),
    );
    expect(nextRetryAt({ attempts: 8, firstAttemptAt: first, now: at(RETRY_WINDOW_MS) })).toBe(
      null,
    );
  });

  it('counts the window from the first attempt, not from the event', () => {
    // A replay (or a dispatcher that was down) starts its own 24 h at its first attempt.
    const replayFirst = at(30 * HOUR);
    expect(nextRetryAt({ attempts: 1, firstAttemptAt: replayFirst, now: replayFirst })).toEqual(
      new Date(replayFirst.getTime() + 5 * SECOND),
    );
  });
});
