import { readJson } from '@/lib/api/errors';
import { json } from '@/lib/api/respond';
import { startAgentSession } from '@/lib/agent-sessions/start-agent-session';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { sessionView } from '@/lib/sessions/session-view';
import { agentSessionSchema, startAgentSessionSchema } from './agent-sessions.types';

/** POST /api/v1/agent-sessions {avatarId, livekitUrl, livekitToken} → 201 {id, identity, session} */
export const POST = withAuth({ scope: 'sessions' }, async ({ request, user }) => {
  const body = startAgentSessionSchema.parse(await readJson(request));
  const { session, identity } = await startAgentSession(await db(), {
    userId: user.id,
    avatarId: body.avatarId,
    livekitUrl: body.livekitUrl,
    livekitToken: body.livekitToken,
    dataDir: env().FACECAST_DATA_DIR,
  });
  return json(
    agentSessionSchema,
    { id: session.id, identity, session: sessionView(session) },
    { status: 201 },
  );
});
