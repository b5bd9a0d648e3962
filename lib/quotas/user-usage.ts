/**
 * What a user has used of their quotas: sessions running now, and session minutes in a UTC
 * calendar month, metered (time live) and booked (scheduled bookings still ahead).
 */
import type { Prisma, Session } from '@prisma/client';
import { type Month, minutesOf, monthOf, overlapMs } from './calendar-month';
import { quotaLimits, type QuotaLimits } from './quota-limits';

/** The client or a transaction's client: the checks run inside the admitting transaction. */
export type Db = Prisma.TransactionClient;

/**
 * Time a session was live within [windowStart, windowEnd), ms: from `liveAt` (the avatar
 * first published) to `endedAt`, or to `now` while it runs. A session that never went live
 * used nothing.
 */
export function liveMsWithin(
  session: Pick<Session, 'liveAt' | 'endedAt'>,
  now: Date,
  windowStart = new Date(0),
  windowEnd = new Date(8.64e15),
): number {
  if (!session.liveAt) return 0;
  return overlapMs(session.liveAt, session.endedAt ?? now, windowStart, windowEnd);
}

/** Sessions of the user starting or live now (instant and booked alike). */
export function runningSessionCount(db: Db, userId: string): Promise<number> {
  return db.session.count({ where: { userId, status: { in: ['starting', 'live'] } } });
}

/** Metered time of the user's sessions within `month`, ms (sessions across its edges split). */
export async function usedMsIn(db: Db, userId: string, month: Month, now: Date): Promise<number> {
  const sessions = await db.session.findMany({
    where: {
      userId,
      liveAt: { not: null, lt: month.end },
      OR: [{ endedAt: null }, { endedAt: { gt: month.start } }],
    },
    select: { liveAt: true, endedAt: true },
  });
  return sessions.reduce((sum, s) => sum + liveMsWithin(s, now, month.start, month.end), 0);
}

/**
 * Time the user's scheduled bookings still hold within `month`, ms: only what lies ahead of
 * `now` (a running booking's past is metered instead). `excludeBookingId`: a booking being
 * moved.
 */
export async function bookedMsIn(
  db: Db,
  options: { userId: string; month: Month; now: Date; excludeBookingId?: string },
): Promise<number> {
  const from = new Date(Math.max(options.now.getTime(), options.month.start.getTime()));
  if (from >= options.month.end) return 0;
  const bookings = await db.booking.findMany({
    where: {
      userId: options.userId,
      status: 'scheduled',
      startsAt: { lt: options.month.end },
      endsAt: { gt: from },
      ...(options.excludeBookingId ? { id: { not: options.excludeBookingId } } : {}),
    },
    select: { startsAt: true, endsAt: true },
  });
  return bookings.reduce(
    (sum, b) => sum + overlapMs(b.startsAt, b.endsAt, from, options.month.end),
    0,
  );
}

/** GET /api/v1/usage: the caller's limits and what is used of them this month. */
export interface UsageView {
  limits: QuotaLimits;
  used: {
    /** Sessions starting or live now. */
    concurrentSessions: number;
    /** Minutes sessions were live this month (to one decimal). */
    minutes: number;
    /** Minutes scheduled bookings still hold this month. */
    bookedMinutes: number;
  };
  /** Minutes left to start or book this month (never below 0). */
  remainingMinutes: number;
  month: { start: string; end: string };
  /** When the monthly minutes start again from 0 (the next month, 00:00 UTC). */
  resetsAt: string;
}

export async function userUsage(
  db: Db,
  options: { userId: string; now?: Date },
): Promise<UsageView> {
  const now = options.now ?? new Date();
  const user = await db.user.findUniqueOrThrow({ where: { id: options.userId } });
  const limits = quotaLimits(user);
  const month = monthOf(now);
  const [running, usedMs, bookedMs] = await Promise.all([
    runningSessionCount(db, user.id),
    usedMsIn(db, user.id, month, now),
    bookedMsIn(db, { userId: user.id, month, now }),
  ]);
  const minutes = minutesOf(usedMs);
  const bookedMinutes = minutesOf(bookedMs);
  return {
    limits,
    used: { concurrentSessions: running, minutes, bookedMinutes },
    remainingMinutes: Math.max(0, minutesOf(limits.monthlyMinutes * 60_000 - usedMs - bookedMs)),
    month: { start: month.start.toISOString(), end: month.end.toISOString() },
    resetsAt: month.end.toISOString(),
  };
}
