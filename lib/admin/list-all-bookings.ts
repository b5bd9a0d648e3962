import type { PrismaClient } from '@prisma/client';
import { bookingView, type BookingView } from '@/lib/bookings/booking-view';

/** Most bookings one admin list returns. */
export const ADMIN_BOOKINGS_LIMIT = 1_000;

export interface AdminBookingView extends BookingView {
  userId: string;
  ownerEmail: string;
  avatarName: string;
}

/** Every user's bookings overlapping [from, to), by start time (cancelled ones too if asked). */
export async function listAllBookings(
  prisma: PrismaClient,
  options: { from: Date; to: Date; cancelled?: boolean },
): Promise<AdminBookingView[]> {
  const rows = await prisma.booking.findMany({
    where: {
      startsAt: { lt: options.to },
      endsAt: { gt: options.from },
      ...(options.cancelled ? {} : { status: 'scheduled' }),
    },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: ADMIN_BOOKINGS_LIMIT,
    include: { user: { select: { email: true } }, avatar: { select: { name: true } } },
  });
  return rows.map((b) => ({
    ...bookingView(b),
    userId: b.userId,
    ownerEmail: b.user.email,
    avatarName: b.avatar.name,
  }));
}
