import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { postChat } from '@/lib/rooms/post-chat';
import { resolveRoomActor } from '@/lib/rooms/room-actor';
import { chatSchema } from '../../rooms.types';

/**
 * POST /api/rooms/:id/chat {text, kind?: chat|question} → 201 ChatLineView
 * Rate limited per participant (429 with Retry-After); 403 when muted.
 */
export const POST = withErrors<{ id: string }>(async ({ request, params }) => {
  const body = chatSchema.parse(await readJson(request));
  const prisma = await db();
  const actor = await resolveRoomActor(prisma, request, params.id, 'sessions');
  return Response.json(await postChat({ prisma, actor, ...body }), { status: 201 });
});
