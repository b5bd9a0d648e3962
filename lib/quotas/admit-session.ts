/**
 * The quota checks, made where they cannot race: inside a transaction holding an advisory
 * lock per user, so two instant starts (or a start and a booking) of one user at the limit
 * never both pass. The lock is the user's only: other users' starts do not wait.
 */
import type { PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { monthOf } from './calendar-month';
import { concurrentSessionsExceeded, monthlyMinutesExceeded } from './quota-errors';
import { quotaLimits } from './quota-limits';
import { bookedMsIn, type Db, runningSessionCount, usedMsIn } from './user-usage';

/** First key of pg_advisory_xact_lock(int, int) for quota decisions; the second is the user's. */
const QUOTA_LOCK_CLASS = 727_276;
/** A start waits this long for the lock and a connection before answering 503 (ms). */
const LOCK_WAIT_MS = 20_000;

/** Serialises the user's quota decisions until the transaction ends. */
export async function lockUserQuota(tx: Db, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${QUOTA_LOCK_CLASS}::int, hashtext(${userId}))`;
}

/**
 * Throws 429 `quota_exceeded` when the user may not start an instant session now: as many
 * sessions running as the quota allows, or the month's minutes used up (booked minutes
 * included: a booking holds its minutes from when it is made).
 */
export async function assertInstantQuota(
  tx: Db,
  options: { userId: string; now: Date },
): Promise<void> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: options.userId } });
  const limits = quotaLimits(user);
  const running = await runningSessionCount(tx, user.id);
  if (running >= limits.concurrentSessions) {
    throw concurrentSessionsExceeded({ max: limits.concurrentSessions, used: running });
  }
  const month = monthOf(options.now);
  const usedMs = await usedMsIn(tx, user.id, month, options.now);
  const bookedMs = await bookedMsIn(tx, { userId: user.id, month, now: options.now });
  if (usedMs + bookedMs >= limits.monthlyMinutes * 60_000) {
    throw monthlyMinutesExceeded({
      max: limits.monthlyMinutes,
      usedMs,
      bookedMs,
      resetsAt: month.end,
      now: options.now,
    });
  }
}

/**
 * Runs `write` (which makes the session row) once the user's quota allows an instant session,
 * in one transaction under the user's lock; `instant: false` (a booked start) writes without
 * a check, since the booking was admitted when it was made (docs/decisions/015-quotas.md).
 */
export async function admitSession<T>(
  prisma: PrismaClient,
  options: { userId: string; now: Date; instant: boolean },
  write: (tx: Db) => Promise<T>,
): Promise<T> {
  if (!options.instant) return write(prisma);
  try {
    return await prisma.$transaction(
      async (tx) => {
        await lockUserQuota(tx, options.userId);
        await assertInstantQuota(tx, options);
        return write(tx);
      },
      { maxWait: LOCK_WAIT_MS, timeout: LOCK_WAIT_MS },
    );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if ((error as { code?: unknown } | null)?.code === 'P2028') {
      throw new ApiError(
        'unavailable',
        'Too many sessions are being started at once; try again in a few seconds.',
        { 'retry-after': '5' },
      );
    }
    throw error;
  }
}
