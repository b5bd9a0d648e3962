import { listAllBookings } from '@/lib/admin/list-all-bookings';
import { ApiError } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { queryOf } from '../admin.types';
import { adminBookingListSchema, listAllBookingsSchema } from './bookings.types';
import { json } from '@/lib/api/respond';

const DAY_MS = 24 * 3_600_000;
/** Widest range one list request covers. */
const MAX_RANGE_MS = 366 * DAY_MS;

/**
 * GET /api/v1/admin/bookings[?from&to&cancelled] → {bookings: [...]}: every user's bookings
 * overlapping the range (default: 60 days from a day ago) with ownerEmail and avatarName.
 * Admins only (404 otherwise).
 */
export const GET = withAuth({ scope: 'admin' }, async ({ request }) => {
  const query = listAllBookingsSchema.parse(queryOf(request));
  const from = query.from ?? new Date(Date.now() - DAY_MS);
  const to = query.to ?? new Date(from.getTime() + 60 * DAY_MS);
  if (to <= from) throw new ApiError('unprocessable', 'to must be after from.');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new ApiError('unprocessable', 'Ask for at most 366 days at once.');
  }
  const bookings = await listAllBookings(await db(), {
    from,
    to,
    cancelled: query.cancelled === 'true',
  });
  return json(adminBookingListSchema, { bookings }, { headers: { 'cache-control': 'no-store' } });
});
