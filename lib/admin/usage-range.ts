import { utcDayStart } from './usage-report';

const DAY_MS = 24 * 3_600_000;

/** Days the usage page and API show by default. */
export const USAGE_DEFAULT_DAYS = 30;
/** Widest range one usage request covers, days. */
export const USAGE_MAX_DAYS = 366;

/** The last 30 UTC days, today included: [midnight 29 days ago, midnight tomorrow). */
export function defaultUsageRange(now: Date): { from: Date; to: Date } {
  const today = utcDayStart(now).getTime();
  return {
    from: new Date(today - (USAGE_DEFAULT_DAYS - 1) * DAY_MS),
    to: new Date(today + DAY_MS),
  };
}
