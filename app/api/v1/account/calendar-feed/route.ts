import { withAuth } from '@/lib/auth/with-auth';
import { createCalendarFeed, disableCalendarFeed } from '@/lib/bookings/calendar-feed';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { calendarFeedSchema } from './calendar-feed.types';

/**
 * POST /api/v1/account/calendar-feed → 201 {url}: the user's private calendar feed of their
 * bookings. The URL is shown only now; a new one replaces (ends) the old one.
 */
export const POST = withAuth({ scope: 'sessions' }, async ({ user }) => {
  const url = await createCalendarFeed(await db(), user.id);
  return json(calendarFeedSchema, { url }, { status: 201 });
});

/** DELETE /api/v1/account/calendar-feed → 204: the feed URL stops working. */
export const DELETE = withAuth({ scope: 'sessions' }, async ({ user }) => {
  await disableCalendarFeed(await db(), user.id);
  return new Response(null, { status: 204 });
});
