import type { Booking, PrismaClient } from '@prisma/client';
import { findOwnBooking } from './find-booking';

/**
 * Cancels a booking (again is fine): its slot is free for others at once. Resolves with the
 * booking when this call cancelled it, null when it already was cancelled.
 */
export async function cancelBooking(
  prisma: PrismaClient,
  options: { userId: string; bookingId: string },
): Promise<Booking | null> {
  const booking = await findOwnBooking(prisma, options.userId, options.bookingId);
  if (booking.status === 'cancelled') return null;
  // Conditional, so of two cancels racing only one reports (and sends `booking.cancelled`).
  const { count } = await prisma.booking.updateMany({
    where: { id: booking.id, status: { not: 'cancelled' } },
    data: { status: 'cancelled' },
  });
  return count === 1 ? { ...booking, status: 'cancelled' } : null;
}
