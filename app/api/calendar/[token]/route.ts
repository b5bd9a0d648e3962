import { notFound } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { calendarFeed } from '@/lib/bookings/calendar-feed';
import { db } from '@/lib/db/db';

type Params = { token: string };

/**
 * GET /api/calendar/:token → a user's bookings as an iCalendar feed (the URL is the secret,
 * made by POST /api/v1/account/calendar-feed); 404 for any other URL.
 */
export const GET = withErrors<Params>(async ({ params }) => {
  const ics = await calendarFeed(await db(), params.token);
  if (ics === null) throw notFound('Calendar feed');
  return new Response(ics, {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      // Personal data: never kept by shared caches.
      'cache-control': 'private, no-store',
    },
  });
});
