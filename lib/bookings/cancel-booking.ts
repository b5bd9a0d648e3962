import type { PrismaClient } from '@prisma/client';
import { findOwnBooking } from './find-booking';

/** Cancels a booking (again is fine): its slot is free for others at once. */
export async function cancelBooking(
  prisma: PrismaClient,
  options: { userId: string; bookingId: string },
): Promise<void> {
  const booking = await findOwnBooking(prisma, options.userId, options.bookingId);
  if (booking.status === 'cancelled') return;
  await prisma.booking.update({ where: { id: booking.id }, data: { status: 'cancelled' } });
}
