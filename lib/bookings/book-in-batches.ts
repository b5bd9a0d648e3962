/**
 * New bookings are decided in batches ("group commit"): the requests that arrive while one
 * decision transaction runs wait for the next, which takes the advisory lock once, reads the
 * bookings around all of them once, decides them in arrival order in memory and inserts the
 * accepted ones, each after its owner's quota check (which sees the ones inserted before it).
 * The lock still serialises batches across app instances (decision 012); batching only stops
 * a burst from paying a whole transaction per request.
 */
import type { Booking, Prisma, PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { assertBookingQuota } from '@/lib/quotas/admit-session';
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

interface Request {
  slot: Slot;
  now: Date;
  data: Prisma.BookingCreateManyInput & { joinKey: string };
  resolve: (booking: Booking) => void;
  reject: (error: unknown) => void;
}

interface Queue {
  waiting: Request[];
  running: boolean;
}

const queues = new WeakMap<PrismaClient, Queue>();

/** Inserts the booking if its slot fits beside every scheduled one; 409 `no_capacity` if not. */
export function bookInBatch(
  prisma: PrismaClient,
  slot: Slot,
  data: Request['data'],
  now: Date,
): Promise<Booking> {
  let queue = queues.get(prisma);
  if (!queue) {
    queue = { waiting: [], running: false };
    queues.set(prisma, queue);
  }
  const promise = new Promise<Booking>((resolve, reject) =>
    queue.waiting.push({ slot, now, data, resolve, reject }),
  );
  if (!queue.running) {
    // Marked now, started after the current I/O callbacks: a burst arriving together is one batch.
    queue.running = true;
    setImmediate(() => void drain(prisma, queue));
  }
  return promise;
}

async function drain(prisma: PrismaClient, queue: Queue): Promise<void> {
  queue.running = true;
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        await decide(prisma, batch);
      } catch (error) {
        for (const request of batch) request.reject(error);
      }
    }
  } finally {
    queue.running = false;
  }
}

async function decide(prisma: PrismaClient, batch: Request[]): Promise<void> {
  // Outside the transaction: on the embedded database it holds the only connection.
  const capacity = await bookableCapacity(prisma);
  const from = new Date(Math.min(...batch.map((r) => r.slot.startsAt.getTime())));
  const to = new Date(
    Math.max(
      ...batch.map(
        (r) => 2 * r.slot.endsAt.getTime() - r.slot.startsAt.getTime() + NEXT_FREE_HORIZON_MS,
      ),
    ),
  );
  const refusals = new Map<Request, ApiError>();
  const created = await unavailableWhenBusy(() =>
    prisma.$transaction(
      async (tx) => {
        await lockBookingDecisions(tx);
        const held = await scheduledBetween(tx, from, to, undefined);
        const created: Booking[] = [];
        for (const request of batch) {
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
          try {
            await assertBookingQuota(tx, { userId: request.data.userId, slot, now: request.now });
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            refusals.set(request, error);
            continue;
          }
          held.push(slot);
          created.push(await tx.booking.create({ data: request.data }));
        }
        return created;
      },
      { maxWait: DECISION_WAIT_MS, timeout: DECISION_WAIT_MS },
    ),
  );
  const byJoinKey = new Map(created.map((booking) => [booking.joinKey, booking]));
  for (const request of batch) {
    const refusal = refusals.get(request);
    const booking = byJoinKey.get(request.data.joinKey);
    if (refusal) request.reject(refusal);
    else if (booking) request.resolve(booking);
    else request.reject(new Error('booking batch lost a request'));
  }
}
