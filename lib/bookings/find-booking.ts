import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';

/** A booking the user owns; other users' bookings are reported as not found. */
export async function findOwnBooking(prisma: PrismaClient, userId: string, bookingId: string) {
  const booking = await prisma.booking.findFirst({ where: { id: bookingId, userId } });
  if (!booking) throw notFound('Booking');
  return booking;
}
