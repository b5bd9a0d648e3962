import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionView } from '@/lib/sessions/session-view';
import { stopSession } from '@/lib/sessions/stop-session';
import { updateSessionAccess } from '@/lib/sessions/update-session-access';
import { json } from '@/lib/api/respond';
import { sessionAccessSchema, sessionSchema } from './session.types';

type Params = { id: string };

/** GET /api/v1/sessions/:id */
export const GET = withAuth<Params>(async ({ user, params }) => {
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  // Hosts keep status, renderer and figures current through their reports.
  return json(sessionSchema, sessionView(session));
});

/**
 * PATCH /api/v1/sessions/:id {publicViewing?, guestsMayTalk?} — share or unshare the viewer
 * URL; let guests on it talk (publish a microphone) or not, also those connected now.
 */
export const PATCH = withAuth<Params>(async ({ request, user, params }) => {
  const changes = sessionAccessSchema.parse(await readJson(request));
  const updated = await updateSessionAccess(await db(), {
    userId: user.id,
    sessionId: params.id,
    changes,
  });
  return json(sessionSchema, sessionView(updated));
});

/** DELETE /api/v1/sessions/:id → 204 */
export const DELETE = withAuth<Params>(async ({ user, params }) => {
  await stopSession(await db(), { userId: user.id, sessionId: params.id });
  return new Response(null, { status: 204 });
});
