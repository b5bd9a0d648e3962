import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { bookingView } from '@/lib/bookings/booking-view';
import { cancelBooking } from '@/lib/bookings/cancel-booking';
import { findOwnBooking } from '@/lib/bookings/find-booking';
import { updateBooking } from '@/lib/bookings/update-booking';
import { db } from '@/lib/db/db';
import { bookingSchema, updateBookingSchema } from './booking.types';
import { json } from '@/lib/api/respond';

type Params = { id: string };

/** GET /api/v1/bookings/:id */
export const GET = withAuth<Params>(async ({ user, params }) => {
  return json(bookingSchema, bookingView(await findOwnBooking(await db(), user.id, params.id)));
});

/** PATCH /api/v1/bookings/:id — a new slot is checked against capacity like a new booking. */
export const PATCH = withAuth<Params>(async ({ request, user, params }) => {
  const changes = updateBookingSchema.parse(await readJson(request));
  const booking = await updateBooking(await db(), {
    userId: user.id,
    bookingId: params.id,
    ...changes,
  });
  return json(bookingSchema, bookingView(booking));
});

/** DELETE /api/v1/bookings/:id → 204: cancelled, its slot free for others. */
export const DELETE = withAuth<Params>(async ({ user, params }) => {
  await cancelBooking(await db(), { userId: user.id, bookingId: params.id });
  return new Response(null, { status: 204 });
});
