import { describe, expect, it } from 'vitest';
import { isIdleExpired } from './idle-session';

const liveAt = new Date('2026-12-05T10:00:00Z');
const minutes = (n: number) => new Date(liveAt.getTime() + n * 60_000);
const idleMs = 10 * 60_000;

describe('isIdleExpired', () => {
  const instant = { bookingId: null, liveAt, lastViewerAt: null };

  it('ends an instant session nobody joined once the idle time has passed since it went live', () => {
    expect(isIdleExpired({ session: instant, viewersNow: 0, now: minutes(9.9), idleMs })).toBe(
      false,
    );
    expect(isIdleExpired({ session: instant, viewersNow: 0, now: minutes(10), idleMs })).toBe(true);
  });

  it('counts from the last viewer seen, and never ends a session someone is in', () => {
    const left = { ...instant, lastViewerAt: minutes(30) };
    expect(isIdleExpired({ session: left, viewersNow: 0, now: minutes(39), idleMs })).toBe(false);
    expect(isIdleExpired({ session: left, viewersNow: 0, now: minutes(40), idleMs })).toBe(true);
    expect(isIdleExpired({ session: left, viewersNow: 1, now: minutes(99), idleMs })).toBe(false);
  });

  it('leaves booked sessions and sessions not live yet alone', () => {
    const booked = { ...instant, bookingId: 'b1' };
    expect(isIdleExpired({ session: booked, viewersNow: 0, now: minutes(99), idleMs })).toBe(false);
    const notLive = { ...instant, liveAt: null };
    expect(isIdleExpired({ session: notLive, viewersNow: 0, now: minutes(99), idleMs })).toBe(
      false,
    );
  });
});
