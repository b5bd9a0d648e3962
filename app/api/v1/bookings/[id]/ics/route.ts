import { notFound } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { bookingsCalendar } from '@/lib/bookings/booking-ics';
import { db } from '@/lib/db/db';

type Params = { id: string };

/** GET /api/v1/bookings/:id/ics → the booking as an iCalendar file (also when cancelled). */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const booking = await (
    await db()
  ).booking.findFirst({
    where: { id: params.id, userId: user.id },
    include: { avatar: { select: { name: true } } },
  });
  if (!booking) throw notFound('Booking');
  return new Response(bookingsCalendar('Facecast booking', [booking]), {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="facecast-booking-${booking.id}.ics"`,
    },
  });
});
