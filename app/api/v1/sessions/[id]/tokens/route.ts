import { randomBytes } from 'node:crypto';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { createViewerToken } from '@/lib/livekit/livekit';
import { findLiveSession } from '@/lib/sessions/find-session';

/** POST /api/v1/sessions/:id/tokens → {livekitUrl, token, identity} (subscribe-only viewer) */
export const POST = withAuth<{ id: string }>(async ({ user, params }) => {
  const session = await findLiveSession(await db(), user.id, params.id);
  const identity = `viewer-${randomBytes(6).toString('hex')}`;
  const token = await createViewerToken({ roomName: session.roomName, identity });
  return Response.json({ livekitUrl: env().LIVEKIT_URL, token, identity });
});
