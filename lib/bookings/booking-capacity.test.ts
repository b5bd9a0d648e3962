import { describe, expect, it } from 'vitest';
import { firstOverload, mostAtOnce, nextFreeStart, type Slot } from './booking-capacity';

const at = (hhmm: string) => new Date(`2027-03-01T${hhmm}:00Z`);
const slot = (from: string, to: string): Slot => ({ startsAt: at(from), endsAt: at(to) });
const HOUR = 3_600_000;

describe('firstOverload', () => {
  it('fits while fewer bookings than the capacity run at any instant', () => {
    const existing = [slot('09:00', '10:00'), slot('10:00', '11:00')];
    // Back to back never overlap: one at a time, so capacity 2 holds a third across both.
    expect(firstOverload(existing, slot('09:30', '10:30'), 2)).toBeUndefined();
    expect(firstOverload(existing, slot('09:30', '10:30'), 1)).toEqual(at('09:30'));
  });

  it('finds the first instant where the limit would be passed, not the slot start', () => {
    const existing = [slot('09:00', '12:00'), slot('10:15', '10:45'), slot('11:00', '11:30')];
    expect(firstOverload(existing, slot('09:00', '12:00'), 2)).toEqual(at('10:15'));
    expect(firstOverload(existing, slot('10:45', '11:00'), 2)).toBeUndefined();
  });

  it('ignores bookings outside the slot and refuses everything at capacity 0', () => {
    expect(firstOverload([slot('08:00', '09:00')], slot('09:00', '10:00'), 1)).toBeUndefined();
    expect(firstOverload([], slot('09:00', '10:00'), 0)).toEqual(at('09:00'));
  });
});

describe('nextFreeStart', () => {
  it('is the requested start when it fits', () => {
    expect(nextFreeStart([], at('09:00'), HOUR, 1, 24 * HOUR)).toEqual(at('09:00'));
  });

  it('is the first end after which the whole duration fits', () => {
    // Capacity 1: 10:00-11:00 is free but too short for two hours; 12:00 onwards fits.
    const existing = [slot('09:00', '10:00'), slot('11:00', '12:00')];
    expect(nextFreeStart(existing, at('09:00'), 2 * HOUR, 1, 24 * HOUR)).toEqual(at('12:00'));
    expect(nextFreeStart(existing, at('09:00'), HOUR, 1, 24 * HOUR)).toEqual(at('10:00'));
  });

  it('gives up past the horizon or with no capacity', () => {
    const existing = [slot('09:00', '20:00')];
    expect(nextFreeStart(existing, at('09:00'), HOUR, 1, 2 * HOUR)).toBeUndefined();
    expect(nextFreeStart([], at('09:00'), HOUR, 0, 24 * HOUR)).toBeUndefined();
  });
});

describe('mostAtOnce', () => {
  it('counts slots running together; back to back is one at a time', () => {
    expect(mostAtOnce([])).toBe(0);
    expect(mostAtOnce([slot('09:00', '10:00'), slot('10:00', '11:00')])).toBe(1);
    expect(
      mostAtOnce([slot('09:00', '12:00'), slot('10:15', '10:45'), slot('10:30', '11:30')]),
    ).toBe(3);
  });
});
