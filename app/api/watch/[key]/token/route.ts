import { readJson } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { clientIp } from '@/lib/rate-limits/client-ip';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { tokenRule } from '@/lib/rate-limits/rules';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { doorFromViewerKey } from '@/lib/rooms/room-door';
import { issueRoomToken } from '@/lib/rooms/room-token';
import { joinSchema } from '../../../rooms/rooms.types';

/**
 * POST /api/watch/:key/token {name?} → RoomGrant (lib/rooms/room-token.ts)
 * For the shareable viewer URL: open to anyone when the owner enabled public viewing,
 * otherwise only to the owner (unknown and private keys look the same: 404). Guests give a
 * display name; a locked room is 403, a full one 409 `room_full`.
 */
export const POST = withErrors<{ key: string }>(async ({ request, params }) => {
  const body = joinSchema.parse(await readJson(request));
  const prisma = await db();
  await consumeRateLimit(prisma, tokenRule('ip'), clientIp(request.headers));
  const door = await doorFromViewerKey(prisma, params.key);
  return Response.json(
    await issueRoomToken({ prisma, door, user: await currentUser(), name: body.name }),
  );
});
