import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { decideQuestion } from '@/lib/rooms/decide-question';
import { resolveRoomActor } from '@/lib/rooms/room-actor';
import { questionDecisionSchema } from '../../../rooms.types';

/** POST /api/rooms/:id/questions/:questionId {action: approve|dismiss} → ChatLineView */
export const POST = withErrors<{ id: string; questionId: string }>(async ({ request, params }) => {
  const body = questionDecisionSchema.parse(await readJson(request));
  const prisma = await db();
  const actor = await resolveRoomActor(prisma, request, params.id, 'sessions');
  return Response.json(
    await decideQuestion({ prisma, actor, questionId: params.questionId, action: body.action }),
  );
});
