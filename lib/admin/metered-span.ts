/**
 * The time a session counts for usage: from when it went live (`liveAt`; the creation time
 * for sessions from before metering recorded it) to its end, or now while it runs. Sessions
 * that never went live (failed, or stopped while starting once `liveAt` is recorded) count
 * nothing.
 */
import type { Prisma, Session } from '@prisma/client';

export type MeteredSession = Pick<Session, 'status' | 'createdAt' | 'liveAt' | 'endedAt'>;

/** Prisma filter: sessions that went live (see above). */
export const wentLive: Prisma.SessionWhereInput = {
  OR: [{ liveAt: { not: null } }, { status: { in: ['live', 'ended'] } }],
};

/** Prisma filter: sessions that went live and whose metered span overlaps [from, to). */
export function meteredWithin(from: Date, to: Date): Prisma.SessionWhereInput {
  return {
    AND: [
      wentLive,
      // createdAt ≤ liveAt, so this keeps every session that started before `to`.
      { createdAt: { lt: to } },
      { OR: [{ endedAt: null }, { endedAt: { gt: from } }] },
    ],
  };
}

/** Start and end of the metered span, ms since the epoch; null when it never went live. */
export function meteredSpan(
  session: MeteredSession,
  now: Date,
): { startMs: number; endMs: number } | null {
  if (session.liveAt === null && session.status !== 'live' && session.status !== 'ended') {
    return null;
  }
  const startMs = (session.liveAt ?? session.createdAt).getTime();
  const endMs = Math.max(startMs, (session.endedAt ?? now).getTime());
  return { startMs, endMs };
}

/** Milliseconds of the span inside [from, to). */
export function overlapMs(span: { startMs: number; endMs: number }, from: Date, to: Date): number {
  return Math.max(0, Math.min(span.endMs, to.getTime()) - Math.max(span.startMs, from.getTime()));
}

/** Minutes with one decimal: what the admin pages and API show. */
export function toMinutes(ms: number): number {
  return Math.round(ms / 6_000) / 10;
}

/** Start of the UTC calendar month `now` is in (monthly quotas count from here). */
export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
