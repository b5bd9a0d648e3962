import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { issueViewerGrant } from '@/lib/livekit/livekit';
import { findLiveSession } from '@/lib/sessions/find-session';

/**
 * POST /api/v1/sessions/:id/tokens → {livekitUrl, token, identity, mayTalk}: the owner's
 * token, which may subscribe, chat and publish a microphone (nothing else).
 */
export const POST = withAuth<{ id: string }>(async ({ user, params }) => {
  const session = await findLiveSession(await db(), user.id, params.id);
  return Response.json(
    await issueViewerGrant({ roomName: session.roomName, identityPrefix: 'viewer', mayTalk: true }),
  );
});
