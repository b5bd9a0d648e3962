import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionTranscript } from '@/lib/sessions/session-transcript';
import { json } from '@/lib/api/respond';
import { transcriptSchema } from './transcript.types';

/** GET /api/v1/sessions/:id/transcript → {turns: [...]}, also after the session ended */
export const GET = withAuth<{ id: string }>({ scope: 'read' }, async ({ user, params }) => {
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  return json(transcriptSchema, { turns: await sessionTranscript(prisma, session.id) });
});
