/**
 * New bookings are decided in batches ("group commit", lib/db/batch-queue.ts): the requests
 * that arrive while one decision transaction runs wait for the next, which takes the booking
 * lock once and then, for the whole batch, reads the avatars once, the bookings around all
 * the slots once and each owner's quota ledger once (lib/quotas/booking-quota.ts), decides
 * every request in arrival order in memory (each one counting those admitted before it) and
 * inserts the admitted ones in one statement. The lock still serialises batches across app
 * instances (decision 012); batching only stops a burst from paying a transaction per request.
 */
import type { Booking, Prisma, PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { batchQueuePer, failed, succeeded, type Outcome } from '@/lib/db/batch-queue';
import {
  bookingQuotaRefusal,
  loadBookingLedger,
  type BookingLedger,
} from '@/lib/quotas/booking-quota';
import { firstOverload, nextFreeStart, type Slot } from './booking-capacity';
import { NEXT_FREE_HORIZON_MS } from './booking-rules';
import {
  bookableCapacity,
  lockBookingDecisions,
  noCapacity,
  scheduledBetween,
  unavailableWhenBusy,
  DECISION_WAIT_MS,
} from './reserve-slot';

/** Most requests one decision transaction takes. */
const MAX_BATCH = 256;
/** Within a burst, how long a batch waits for the requests still arriving (batch-queue.ts). */
const GATHER_MS = 5;

export interface BookingRequest {
  slot: Slot;
  now: Date;
  /** The new row; `avatarId` is checked to be the owner's (`userId`) in the batch. */
  data: Prisma.BookingCreateManyInput & { joinKey: string };
}

/**
 * Inserts the booking if its avatar is the owner's and bookable, its slot fits beside every
 * scheduled booking and the owner's quotas allow it; otherwise 404 (avatar), 409 `conflict`
 * (failed avatar), 409 `no_capacity` or 429 `quota_exceeded`.
 */
export const bookInBatch: (prisma: PrismaClient, request: BookingRequest) => Promise<Booking> =
  batchQueuePer((prisma: PrismaClient) => ({
    run: (batch: BookingRequest[]) => decide(prisma, batch),
    maxBatch: MAX_BATCH,
    gatherMs: GATHER_MS,
  }));

async function decide(prisma: PrismaClient, batch: BookingRequest[]): Promise<Outcome<Booking>[]> {
  // Outside the transaction: on the embedded database it holds the only connection.
  const capacity = await bookableCapacity(prisma);
  const from = new Date(Math.min(...batch.map((r) => r.slot.startsAt.getTime())));
  // Far enough to find each refused slot its next free start (see reserveSlot).
  const to = new Date(
    Math.max(
      ...batch.map(
        (r) => 2 * r.slot.endsAt.getTime() - r.slot.startsAt.getTime() + NEXT_FREE_HORIZON_MS,
      ),
    ),
  );
  const refusals = new Map<BookingRequest, ApiError>();
  const created = await unavailableWhenBusy(() =>
    prisma.$transaction(
      async (tx) => {
        await lockBookingDecisions(tx);
        const avatars = new Map(
          (
            await tx.avatar.findMany({
              where: { id: { in: [...new Set(batch.map((r) => r.data.avatarId))] } },
              select: { id: true, userId: true, status: true },
            })
          ).map((avatar) => [avatar.id, avatar]),
        );
        const bookable = batch.filter((request) => {
          const avatar = avatars.get(request.data.avatarId);
          // Another user's avatar is "not found": its existence is none of the caller's business.
          if (!avatar || avatar.userId !== request.data.userId) {
            refusals.set(request, notFound('Avatar'));
          } else if (avatar.status === 'failed') {
            refusals.set(
              request,
              new ApiError(
                'conflict',
                'This avatar failed preparation and cannot be booked. Upload a new portrait or video.',
              ),
            );
          }
          return !refusals.has(request);
        });
        if (bookable.length === 0) return [];
        const held = await scheduledBetween(tx, from, to, undefined);
        // One ledger per owner, loaded in a fixed order (each takes that owner's quota lock).
        const ledgers = new Map<string, BookingLedger>();
        const owners = [...new Set(bookable.map((r) => r.data.userId))].sort();
        for (const userId of owners) {
          const mine = bookable.filter((r) => r.data.userId === userId);
          ledgers.set(
            userId,
            await loadBookingLedger(tx, {
              userId,
              slots: mine.map((r) => r.slot),
              now: new Date(Math.min(...mine.map((r) => r.now.getTime()))),
            }),
          );
        }
        const admitted: BookingRequest[] = [];
        for (const request of bookable) {
          const { slot } = request;
          const conflictAt = firstOverload(held, slot, capacity.bookable);
          if (conflictAt) {
            const durationMs = slot.endsAt.getTime() - slot.startsAt.getTime();
            const next = nextFreeStart(
              held,
              slot.startsAt,
              durationMs,
              capacity.bookable,
              NEXT_FREE_HORIZON_MS,
            );
            refusals.set(request, noCapacity(capacity, conflictAt, next));
            continue;
          }
          const ledger = ledgers.get(request.data.userId)!;
          const overQuota = bookingQuotaRefusal(ledger, { slot, now: request.now });
          if (overQuota) {
            refusals.set(request, overQuota);
            continue;
          }
          held.push(slot);
          ledger.bookings.push(slot);
          admitted.push(request);
        }
        if (admitted.length === 0) return [];
        return tx.booking.createManyAndReturn({ data: admitted.map((r) => r.data) });
      },
      { maxWait: DECISION_WAIT_MS, timeout: DECISION_WAIT_MS },
    ),
  );
  const byJoinKey = new Map(created.map((booking) => [booking.joinKey, booking]));
  return batch.map((request) => {
    const refusal = refusals.get(request);
    if (refusal) return failed(refusal);
    const booking = byJoinKey.get(request.data.joinKey);
    return booking ? succeeded(booking) : failed(new Error('booking batch lost a request'));
  });
}
