import { ApiError, readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { bookingView } from '@/lib/bookings/booking-view';
import { createBooking } from '@/lib/bookings/create-booking';
import { db } from '@/lib/db/db';
import {
  bookingListSchema,
  bookingSchema,
  createBookingSchema,
  listBookingsSchema,
} from './bookings.types';
import { json } from '@/lib/api/respond';
import { emitWebhookEvent } from '@/lib/webhooks/emit';

const DAY_MS = 24 * 3_600_000;
/** Widest range one list request covers. */
const MAX_RANGE_MS = 366 * DAY_MS;

/** GET /api/v1/bookings[?from&to&cancelled] → {bookings: [...]} by start time. */
export const GET = withAuth({ scope: 'read' }, async ({ request, user }) => {
  const query = listBookingsSchema.parse(
    Object.fromEntries(new URL(request.url).searchParams.entries()),
  );
  const from = query.from ?? new Date(Date.now() - DAY_MS);
  const to = query.to ?? new Date(from.getTime() + 60 * DAY_MS);
  if (to <= from) throw new ApiError('unprocessable', 'to must be after from.');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new ApiError('unprocessable', 'Ask for at most 366 days at once.');
  }
  const bookings = await (
    await db()
  ).booking.findMany({
    where: {
      userId: user.id,
      startsAt: { lt: to },
      endsAt: { gt: from },
      ...(query.cancelled === 'true' ? {} : { status: 'scheduled' }),
    },
    orderBy: { startsAt: 'asc' },
    take: 1_000,
  });
  return json(bookingListSchema, { bookings: bookings.map(bookingView) });
});

/**
 * POST /api/v1/bookings {avatarId, startsAt, endsAt, kind, maxViewers?, talk?, title?} → 201;
 * 409 `no_capacity` with `conflictAt` and `nextFreeStart` when the pool is booked up.
 */
export const POST = withAuth({ scope: 'sessions' }, async ({ request, user }) => {
  const body = createBookingSchema.parse(await readJson(request));
  const prisma = await db();
  const booking = await createBooking(prisma, { userId: user.id, ...body });
  const view = bookingView(booking);
  await emitWebhookEvent(prisma, user.id, 'booking.created', { booking: view });
  return json(bookingSchema, view, { status: 201 });
});
