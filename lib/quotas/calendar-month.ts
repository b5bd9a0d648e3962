/**
 * Calendar months in UTC, the period of the monthly minutes quota: every user's month starts
 * at 00:00 UTC on the 1st, whatever their time zone, so a limit resets at one known instant.
 */

export interface Month {
  /** First instant of the month (inclusive). */
  start: Date;
  /** First instant of the next month (exclusive): when the month's quota resets. */
  end: Date;
}

/** The UTC calendar month holding `at`. */
export function monthOf(at: Date): Month {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

/** The months [from, to) touches, in order (a booking lasts at most 8 h: one or two). */
export function monthsBetween(from: Date, to: Date): Month[] {
  const months: Month[] = [];
  for (let month = monthOf(from); month.start < to; month = monthOf(month.end)) {
    months.push(month);
  }
  return months;
}

/** Milliseconds that [from, to) and [windowStart, windowEnd) share (0 when apart). */
export function overlapMs(from: Date, to: Date, windowStart: Date, windowEnd: Date): number {
  const start = Math.max(from.getTime(), windowStart.getTime());
  const end = Math.min(to.getTime(), windowEnd.getTime());
  return Math.max(0, end - start);
}

/** Minutes, to one decimal, for showing: 90_000 ms → 1.5. */
export function minutesOf(ms: number): number {
  return Math.round(ms / 6_000) / 10;
}
