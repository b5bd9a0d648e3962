import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { joinStatus } from '@/lib/rooms/join-status';

/**
 * GET /api/join/:key → {title, avatarName, kind, startsAt, endsAt, state} where state is
 * cancelled, upcoming, starting (the avatar is on its way), live or over. The join page polls
 * it until it can join.
 */
export const GET = withErrors<{ key: string }>(async ({ params }) =>
  Response.json(await joinStatus(await db(), params.key), {
    headers: { 'Cache-Control': 'no-store' },
  }),
);
