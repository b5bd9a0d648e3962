import { db } from '@/lib/db/db';
import { requireUser } from '../_components/require-user';
import { BookingPlanner } from './booking-planner';

/** Bookings: a week calendar in the creator's time zone and a form to book a slot. */
export default async function BookingsPage() {
  const user = await requireUser('/bookings');
  const avatars = await (
    await db()
  ).avatar.findMany({
    where: { userId: user.id, status: { not: 'failed' } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true },
  });
  return <BookingPlanner avatars={avatars} />;
}
