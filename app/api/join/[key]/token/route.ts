import { readJson } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { clientIp } from '@/lib/rate-limits/client-ip';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { tokenRule } from '@/lib/rate-limits/rules';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { doorFromJoinKey } from '@/lib/rooms/room-door';
import { issueRoomToken } from '@/lib/rooms/room-token';
import { joinSchema } from '../../../rooms/rooms.types';

/**
 * POST /api/join/:key/token {name?} → RoomGrant: a booking's join link, once its session has
 * started (409 until then, and when cancelled). Same rules as the viewer link otherwise.
 */
export const POST = withErrors<{ key: string }>(async ({ request, params }) => {
  const body = joinSchema.parse(await readJson(request));
  const prisma = await db();
  await consumeRateLimit(prisma, tokenRule('ip'), clientIp(request.headers));
  const door = await doorFromJoinKey(prisma, params.key);
  return Response.json(
    await issueRoomToken({ prisma, door, user: await currentUser(), name: body.name }),
  );
});
