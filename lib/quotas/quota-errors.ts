/** The 429 `quota_exceeded` answers: what limit was hit, how much is used, when it resets. */
import { ApiError } from '@/lib/api/errors';
import { minutesOf } from './calendar-month';

export type QuotaLimitName = 'concurrent_sessions' | 'monthly_minutes';

export function concurrentSessionsExceeded(options: {
  max: number;
  used: number;
  /** For a booking: the first instant it would run over. */
  conflictAt?: Date;
}): ApiError {
  const { max, used, conflictAt } = options;
  const message = conflictAt
    ? `At ${conflictAt.toISOString()} you would have more than ${max} session${max === 1 ? '' : 's'} at once, your quota. Move this booking, or cancel or shorten an overlapping one.`
    : max === 0
      ? 'Your account may not run sessions at once (quota: 0). Ask an admin to raise it.'
      : `You are running ${used} of your ${max} sessions at once. End one of your sessions to start another.`;
  return new ApiError(
    'quota_exceeded',
    message,
    {},
    {
      limit: 'concurrent_sessions' satisfies QuotaLimitName,
      max,
      used,
      resetsAt: null,
      ...(conflictAt ? { conflictAt: conflictAt.toISOString() } : {}),
    },
  );
}

/**
 * Minutes of a month used up. `requestedMs`: a booking's minutes in that month (absent for
 * an instant start). Retry-After only when waiting helps: an instant start, until the reset.
 */
export function monthlyMinutesExceeded(options: {
  max: number;
  usedMs: number;
  bookedMs: number;
  requestedMs?: number;
  resetsAt: Date;
  now: Date;
}): ApiError {
  const used = minutesOf(options.usedMs);
  const booked = minutesOf(options.bookedMs);
  const held = booked > 0 ? ` and ${booked} more are booked` : '';
  const message =
    options.requestedMs === undefined
      ? `You have used ${used} of your ${options.max} session minutes this month${held}. They reset at ${options.resetsAt.toISOString()}; end a booking or ask an admin for more.`
      : `This booking needs ${minutesOf(options.requestedMs)} minutes of the month ending ${options.resetsAt.toISOString()}, but only ${Math.max(0, minutesOf(options.max * 60_000 - options.usedMs - options.bookedMs))} of your ${options.max} are left (${used} used${held}). Book a shorter slot or cancel another booking.`;
  const headers: Record<string, string> =
    options.requestedMs === undefined
      ? {
          'retry-after': String(
            Math.max(1, Math.ceil((options.resetsAt.getTime() - options.now.getTime()) / 1000)),
          ),
        }
      : {};
  return new ApiError('quota_exceeded', message, headers, {
    limit: 'monthly_minutes' satisfies QuotaLimitName,
    max: options.max,
    used,
    booked,
    ...(options.requestedMs !== undefined ? { requested: minutesOf(options.requestedMs) } : {}),
    resetsAt: options.resetsAt.toISOString(),
  });
}
