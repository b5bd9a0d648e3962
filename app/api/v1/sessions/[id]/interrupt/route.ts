import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findLiveSession } from '@/lib/sessions/find-session';
import { interruptAvatar } from '@/lib/sessions/speak';

/**
 * POST /api/v1/sessions/:id/interrupt → 204: the model's answer is aborted and everything
 * queued or playing is dropped; harmless when the avatar is idle.
 */
export const POST = withAuth<{ id: string }>({ scope: 'sessions' }, async ({ user, params }) => {
  const session = await findLiveSession(await db(), user.id, params.id);
  await interruptAvatar(session.roomName);
  return new Response(null, { status: 204 });
});
