/**
 * The quota check of a booking being made or moved (decision 015), in two parts so a batch of
 * bookings (lib/bookings/book-in-batches.ts) pays the database once per owner, not once per
 * booking: `loadBookingLedger` takes the user's quota lock and reads what the checks need for
 * every slot of the batch (limits, scheduled bookings, live time); `bookingQuotaRefusal`
 * decides one slot from it in memory, and a booking admitted is added to the ledger, so the
 * next one in the batch counts it.
 */
import type { ApiError } from '@/lib/api/errors';
import { firstOverload, type Slot } from '@/lib/bookings/booking-capacity';
import { lockUserQuota } from './admit-session';
import { type Month, monthsBetween, overlapMs } from './calendar-month';
import { concurrentSessionsExceeded, monthlyMinutesExceeded } from './quota-errors';
import { quotaLimits, type QuotaLimits } from './quota-limits';
import { type Db, liveMsWithin } from './user-usage';

/** What one user's booking quota checks read, for the slots of one decision. */
export interface BookingLedger {
  userId: string;
  limits: QuotaLimits;
  /** The user's scheduled bookings around the slots (`id` absent: admitted in this batch). */
  bookings: (Slot & { id?: string })[];
  /** The user's sessions that were live in the slots' months. */
  sessions: { liveAt: Date | null; endedAt: Date | null }[];
}

/**
 * Takes the user's quota lock (until the transaction ends) and reads, in three queries, what
 * checking `slots` needs: the user's limits, their scheduled bookings from the earliest of
 * `now` and the slots to the end of the slots' last month, and their sessions live in those
 * months.
 */
export async function loadBookingLedger(
  tx: Db,
  options: { userId: string; slots: readonly Slot[]; now: Date },
): Promise<BookingLedger> {
  const { userId, slots, now } = options;
  await lockUserQuota(tx, userId);
  const months = slots.flatMap((slot) => monthsBetween(slot.startsAt, slot.endsAt));
  const monthsStart = Math.min(...months.map((m) => m.start.getTime()));
  const monthsEnd = Math.max(...months.map((m) => m.end.getTime()));
  // Concurrency looks inside each slot; minutes from max(now, month start) to the month's end.
  const from = new Date(
    Math.min(Math.max(now.getTime(), monthsStart), ...slots.map((s) => s.startsAt.getTime())),
  );
  const to = new Date(Math.max(monthsEnd, ...slots.map((s) => s.endsAt.getTime())));
  const user = await tx.user.findUniqueOrThrow({
    where: { id: userId },
    select: { maxConcurrentSessions: true, monthlySessionMinutes: true },
  });
  const bookings = await tx.booking.findMany({
    where: { userId, status: 'scheduled', startsAt: { lt: to }, endsAt: { gt: from } },
    select: { id: true, startsAt: true, endsAt: true },
  });
  const sessions = await tx.session.findMany({
    where: {
      userId,
      liveAt: { not: null, lt: new Date(monthsEnd) },
      OR: [{ endedAt: null }, { endedAt: { gt: new Date(monthsStart) } }],
    },
    select: { liveAt: true, endedAt: true },
  });
  return { userId, limits: quotaLimits(user), bookings, sessions };
}

/**
 * The 429 `quota_exceeded` a booking for `slot` gets, or undefined when it fits: more of the
 * user's bookings at once than their quota at some instant, or more minutes in a month than
 * it allows (metered + booked). `excludeId`: the booking being moved, `before`: its slot
 * before the move (a change that adds no minutes to a month is never refused for minutes).
 * `ledger` must come from `loadBookingLedger` with this slot among its slots.
 */
export function bookingQuotaRefusal(
  ledger: BookingLedger,
  options: { slot: Slot; now: Date; excludeId?: string; before?: Slot },
): ApiError | undefined {
  const { slot, now, excludeId } = options;
  const { limits } = ledger;
  const others = ledger.bookings.filter((b) => b.id === undefined || b.id !== excludeId);
  const conflictAt = firstOverload(others, slot, limits.concurrentSessions);
  if (conflictAt) {
    return concurrentSessionsExceeded({
      max: limits.concurrentSessions,
      // The first instant over is where the others already fill the quota.
      used: limits.concurrentSessions,
      conflictAt,
    });
  }
  for (const month of monthsBetween(slot.startsAt, slot.endsAt)) {
    const from = new Date(Math.max(now.getTime(), month.start.getTime()));
    const requestedMs = overlapMs(slot.startsAt, slot.endsAt, from, month.end);
    const beforeMs = options.before
      ? overlapMs(options.before.startsAt, options.before.endsAt, from, month.end)
      : 0;
    if (requestedMs <= beforeMs) continue;
    const usedMs = usedMsOf(ledger, month, now);
    const bookedMs = bookedMsOf(others, month, now);
    if (usedMs + bookedMs + requestedMs > limits.monthlyMinutes * 60_000) {
      return monthlyMinutesExceeded({
        max: limits.monthlyMinutes,
        usedMs,
        bookedMs,
        requestedMs,
        resetsAt: month.end,
        now,
      });
    }
  }
  return undefined;
}

/** Same rule as usedMsIn (user-usage.ts), over the ledger's sessions. */
function usedMsOf(ledger: BookingLedger, month: Month, now: Date): number {
  return ledger.sessions.reduce((sum, s) => sum + liveMsWithin(s, now, month.start, month.end), 0);
}

/** Same rule as bookedMsIn (user-usage.ts): what lies ahead of `now` within the month. */
function bookedMsOf(bookings: readonly Slot[], month: Month, now: Date): number {
  const from = new Date(Math.max(now.getTime(), month.start.getTime()));
  if (from >= month.end) return 0;
  return bookings.reduce((sum, b) => sum + overlapMs(b.startsAt, b.endsAt, from, month.end), 0);
}

/**
 * Throws the 429 `quota_exceeded` a booking for `slot` gets (see `bookingQuotaRefusal`), under
 * the user's quota lock; runs inside the booking's transaction (reserve-slot.ts).
 */
export async function assertBookingQuota(
  tx: Db,
  options: { userId: string; slot: Slot; now: Date; excludeId?: string; before?: Slot },
): Promise<void> {
  const ledger = await loadBookingLedger(tx, {
    userId: options.userId,
    slots: [options.slot],
    now: options.now,
  });
  const refusal = bookingQuotaRefusal(ledger, options);
  if (refusal) throw refusal;
}
