import { readJson } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
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
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  // Hosts keep status, renderer and figures current through their reports.
  return json(sessionSchema, sessionView(session));
});

/**
 * PATCH /api/v1/sessions/:id {publicViewing?, guestsMayTalk?} — share or unshare the viewer
 * URL; let guests on it talk (publish a microphone) or not, also those connected now.
 */
export const PATCH = withAuth<Params>({ scope: 'sessions' }, async ({ request, user, params }) => {
  const changes = sessionAccessSchema.parse(await readJson(request));
  const updated = await updateSessionAccess(await db(), {
    userId: user.id,
    sessionId: params.id,
    changes,
  });
  return json(sessionSchema, sessionView(updated));
});

/** DELETE /api/v1/sessions/:id → 204 */
export const DELETE = withAuth<Params>(
  { scope: 'sessions' },
  async ({ request, user, params, caller }) => {
    const prisma = await db();
    await stopSession(prisma, { userId: user.id, sessionId: params.id });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'session.deleted',
      target: { type: 'session', id: params.id },
      headers: request.headers,
    });
    return new Response(null, { status: 204 });
  },
);
