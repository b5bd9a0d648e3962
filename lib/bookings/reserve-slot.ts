/**
 * The one place booking decisions are made: inside a database transaction that holds an
 * advisory lock, so two requests, or two app instances, never both take the last slot
 * (decision 012). The lock is per installation: every booking draws on the same pool.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import { poolCapacity } from '@/lib/workers/pool-capacity';
import { firstOverload, nextFreeStart, type Slot } from './booking-capacity';
import { NEXT_FREE_HORIZON_MS } from './booking-rules';

/** pg_advisory_xact_lock key of booking decisions (any constant unique to this use). */
const BOOKING_LOCK_KEY = 727_275;
/** A decision waits this long for the lock and a connection before answering 503 (ms). */
export const DECISION_WAIT_MS = 20_000;

/** Takes the installation-wide booking lock for the rest of the transaction. */
export async function lockBookingDecisions(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${BOOKING_LOCK_KEY})`);
}

/** Runs a decision; a transaction that could not start in time becomes a 503 to retry. */
export async function unavailableWhenBusy<T>(decision: () => Promise<T>): Promise<T> {
  try {
    return await decision();
  } catch (error) {
    if (isTransactionTimeout(error)) {
      throw new ApiError(
        'unavailable',
        'Too many bookings are being made at once; try again in a few seconds.',
        { 'retry-after': '5' },
      );
    }
    throw error;
  }
}

export interface BookableCapacity {
  /** Sessions the pool can run at once: FACECAST_BOOKABLE_SLOTS, or what hosts report now. */
  poolSlots: number;
  /** Slots kept for instant sessions (FACECAST_INSTANT_RESERVE). */
  reserve: number;
  /** What bookings may hold at any instant. */
  bookable: number;
  /** Where poolSlots came from. */
  source: 'configured' | 'hosts';
}

export async function bookableCapacity(prisma: PrismaClient): Promise<BookableCapacity> {
  const configured = env().FACECAST_BOOKABLE_SLOTS;
  const reserve = env().FACECAST_INSTANT_RESERVE;
  const poolSlots = configured ?? (await poolCapacity(prisma)).capacity;
  return {
    poolSlots,
    reserve,
    bookable: Math.max(0, poolSlots - reserve),
    source: configured === undefined ? 'hosts' : 'configured',
  };
}

/**
 * Runs `write` in a transaction once `slot` is known to fit next to every other scheduled
 * booking (`excludeId`: the booking being moved); throws 409 `no_capacity` with the first
 * conflicting instant and the next free start otherwise.
 */
export async function reserveSlot<T>(
  prisma: PrismaClient,
  options: { slot: Slot; excludeId?: string },
  write: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const { slot, excludeId } = options;
  // Outside the transaction: on the embedded database a transaction holds the only
  // connection, so a query made beside it would wait for it forever.
  const capacity = await bookableCapacity(prisma);
  return unavailableWhenBusy(() =>
    prisma.$transaction(
      async (tx) => {
        await lockBookingDecisions(tx);
        const durationMs = slot.endsAt.getTime() - slot.startsAt.getTime();
        // One read for the check and, when it fails, the search for the next free start.
        const ahead = await scheduledBetween(
          tx,
          slot.startsAt,
          new Date(slot.startsAt.getTime() + NEXT_FREE_HORIZON_MS + durationMs),
          excludeId,
        );
        // (firstOverload looks only inside the slot.)
        const conflictAt = firstOverload(ahead, slot, capacity.bookable);
        if (conflictAt) {
          const next = nextFreeStart(
            ahead,
            slot.startsAt,
            durationMs,
            capacity.bookable,
            NEXT_FREE_HORIZON_MS,
          );
          throw noCapacity(capacity, conflictAt, next);
        }
        return write(tx);
      },
      { maxWait: DECISION_WAIT_MS, timeout: DECISION_WAIT_MS },
    ),
  );
}

/** Scheduled bookings that overlap [from, to), as slots. */
export function scheduledBetween(
  tx: Prisma.TransactionClient,
  from: Date,
  to: Date,
  excludeId: string | undefined,
): Promise<Slot[]> {
  return tx.booking.findMany({
    where: {
      status: 'scheduled',
      startsAt: { lt: to },
      endsAt: { gt: from },
      ...(excludeId ? { id: { not: excludeId } } : {}),
    },
    select: { startsAt: true, endsAt: true },
  });
}

export function noCapacity(capacity: BookableCapacity, conflictAt: Date, next: Date | undefined) {
  const why =
    capacity.bookable === 0
      ? capacity.source === 'hosts' && capacity.poolSlots === 0
        ? 'No worker host is reporting, so the pool has no slots to book. Start a worker host, or set FACECAST_BOOKABLE_SLOTS to the sessions your pool runs.'
        : `All ${capacity.poolSlots} slots of the pool are kept for instant sessions (FACECAST_INSTANT_RESERVE=${capacity.reserve}).`
      : `Every bookable slot (${capacity.bookable}) is taken at ${conflictAt.toISOString()}.`;
  const hint = next ? ` The next free start for this length is ${next.toISOString()}.` : '';
  return new ApiError(
    'no_capacity',
    `${why}${hint}`,
    {},
    {
      conflictAt: conflictAt.toISOString(),
      nextFreeStart: next?.toISOString() ?? null,
    },
  );
}

function isTransactionTimeout(error: unknown): boolean {
  // Prisma's P2028: the transaction could not start in time (or ran past its timeout).
  return (error as { code?: unknown } | null)?.code === 'P2028';
}
