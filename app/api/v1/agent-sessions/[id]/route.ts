import { json } from '@/lib/api/respond';
import { notFound } from '@/lib/api/errors';
import { actorOf, recordAudit } from '@/lib/audit/record-audit';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionView } from '@/lib/sessions/session-view';
import { stopSession } from '@/lib/sessions/stop-session';
import { sessionSchema } from './agent-session.types';

type Params = { id: string };

/** The caller's agent face by id; any other session (or another user's) is a 404. */
async function ownAgentSession(userId: string, id: string) {
  const prisma = await db();
  const session = await findOwnSession(prisma, userId, id);
  if (!session.agentUrl) throw notFound('Agent session');
  return { prisma, session };
}

/** GET /api/v1/agent-sessions/:id */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const { session } = await ownAgentSession(user.id, params.id);
  return json(sessionSchema, sessionView(session));
});

/** DELETE /api/v1/agent-sessions/:id → 204 */
export const DELETE = withAuth<Params>(
  { scope: 'sessions' },
  async ({ request, user, params, caller }) => {
    const { prisma } = await ownAgentSession(user.id, params.id);
    await stopSession(prisma, { userId: user.id, sessionId: params.id });
    await recordAudit(prisma, {
      actor: actorOf(caller),
      action: 'session.deleted',
      target: { type: 'session', id: params.id },
      headers: request.headers,
      details: { kind: 'agent face' },
    });
    return new Response(null, { status: 204 });
  },
);
