import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { moderateParticipant } from '@/lib/rooms/moderate-participant';
import { resolveRoomActor } from '@/lib/rooms/room-actor';
import { moderationSchema } from '../../../rooms.types';

/**
 * POST /api/rooms/:id/participants/:identity {action: mute|unmute|remove|promote|demote,
 * reason?} → RoomParticipantView. Host or moderator; only the host promotes and demotes.
 */
export const POST = withErrors<{ id: string; identity: string }>(async ({ request, params }) => {
  const body = moderationSchema.parse(await readJson(request));
  const prisma = await db();
  const actor = await resolveRoomActor(prisma, request, params.id, 'sessions');
  return Response.json(
    await moderateParticipant({ prisma, actor, identity: params.identity, ...body }),
  );
});
