import type { Booking, BookingKind, BookingTalk, PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { assertBookingQuota } from '@/lib/quotas/booking-quota';
import { checkSlot } from './check-slot';
import { findOwnBooking } from './find-booking';
import { reserveSlot } from './reserve-slot';

export interface UpdateBookingOptions {
  userId: string;
  bookingId: string;
  startsAt?: Date;
  endsAt?: Date;
  kind?: BookingKind;
  maxViewers?: number;
  talk?: BookingTalk;
  title?: string;
  now?: Date;
}

/**
 * Changes a booking. A new slot is checked against capacity like a new booking (without
 * counting the booking itself), and against the user's quotas; once it has started, only its
 * end may move.
 */
export async function updateBooking(
  prisma: PrismaClient,
  options: UpdateBookingOptions,
): Promise<Booking> {
  const now = options.now ?? new Date();
  const booking = await findOwnBooking(prisma, options.userId, options.bookingId);
  if (booking.status === 'cancelled') {
    throw new ApiError('conflict', 'This booking is cancelled. Book a new slot instead.');
  }
  if (booking.endsAt <= now) {
    throw new ApiError('conflict', 'This booking is over and can no longer be changed.');
  }
  const started = booking.startsAt <= now;
  const movesStart =
    options.startsAt !== undefined && options.startsAt.getTime() !== booking.startsAt.getTime();
  if (started && movesStart) {
    throw new ApiError(
      'conflict',
      'This booking has started: its start can no longer move (its end still can).',
    );
  }
  const data = {
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.talk ? { talk: options.talk } : {}),
    ...(options.maxViewers !== undefined ? { maxViewers: options.maxViewers } : {}),
    ...(options.title !== undefined ? { title: options.title.trim() } : {}),
  };
  const slot = {
    startsAt: options.startsAt ?? booking.startsAt,
    endsAt: options.endsAt ?? booking.endsAt,
  };
  const moves =
    slot.startsAt.getTime() !== booking.startsAt.getTime() ||
    slot.endsAt.getTime() !== booking.endsAt.getTime();
  if (!moves) return prisma.booking.update({ where: { id: booking.id }, data });
  checkSlot(slot, now, { startMayBePast: started });
  return reserveSlot(prisma, { slot, excludeId: booking.id }, async (tx) => {
    await assertBookingQuota(tx, {
      userId: options.userId,
      slot,
      now,
      excludeId: booking.id,
      before: booking,
    });
    return tx.booking.update({ where: { id: booking.id }, data: { ...data, ...slot } });
  });
}
