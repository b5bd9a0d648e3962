import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { issueRoomToken } from '@/lib/rooms/room-token';
import { findLiveSession } from '@/lib/sessions/find-session';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { tokenRule } from '@/lib/rate-limits/rules';
import { json } from '@/lib/api/respond';
import { roomGrantSchema } from './tokens.types';

/**
 * POST /api/v1/sessions/:id/tokens → RoomGrant {livekitUrl, token, identity, name, role,
 * mayTalk, sessionId, …}: the owner's token (the room's host), which may subscribe, send data
 * (LiveKit text-stream chat to the avatar) and publish a microphone; nothing else.
 */
export const POST = withAuth<{ id: string }>({ scope: 'sessions' }, async ({ user, params }) => {
  const prisma = await db();
  await consumeRateLimit(prisma, tokenRule('account'), user.id);
  const { id } = await findLiveSession(prisma, user.id, params.id);
  const session = await prisma.session.findUniqueOrThrow({
    where: { id },
    include: { avatar: { select: { name: true } }, booking: true },
  });
  const { booking, ...rest } = session;
  return json(
    roomGrantSchema,
    await issueRoomToken({ prisma, door: { session: rest, booking, via: 'watch' }, user }),
  );
});
