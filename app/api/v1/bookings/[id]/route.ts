import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { bookingView } from '@/lib/bookings/booking-view';
import { cancelBooking } from '@/lib/bookings/cancel-booking';
import { findOwnBooking } from '@/lib/bookings/find-booking';
import { updateBooking } from '@/lib/bookings/update-booking';
import { db } from '@/lib/db/db';
import { bookingSchema, updateBookingSchema } from './booking.types';
import { json } from '@/lib/api/respond';
import { emitWebhookEvent } from '@/lib/webhooks/emit';

type Params = { id: string };

/** GET /api/v1/bookings/:id */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  return json(bookingSchema, bookingView(await findOwnBooking(await db(), user.id, params.id)));
});

/** PATCH /api/v1/bookings/:id — a new slot is checked against capacity like a new booking. */
export const PATCH = withAuth<Params>({ scope: 'sessions' }, async ({ request, user, params }) => {
  const changes = updateBookingSchema.parse(await readJson(request));
  const prisma = await db();
  const booking = await updateBooking(prisma, {
    userId: user.id,
    bookingId: params.id,
    ...changes,
  });
  const view = bookingView(booking);
  await emitWebhookEvent(prisma, user.id, 'booking.updated', { booking: view });
  return json(bookingSchema, view);
});

/** DELETE /api/v1/bookings/:id → 204: cancelled, its slot free for others. */
export const DELETE = withAuth<Params>({ scope: 'sessions' }, async ({ user, params }) => {
  const prisma = await db();
  const cancelled = await cancelBooking(prisma, { userId: user.id, bookingId: params.id });
  if (cancelled)
    await emitWebhookEvent(prisma, user.id, 'booking.cancelled', {
      booking: bookingView(cancelled),
    });
  return new Response(null, { status: 204 });
});
