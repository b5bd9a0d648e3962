import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionTranscript } from '@/lib/sessions/session-transcript';

/** GET /api/v1/sessions/:id/transcript → {turns: [...]}, also after the session ended */
export const GET = withAuth<{ id: string }>(async ({ user, params }) => {
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  return Response.json({ turns: await sessionTranscript(prisma, session.id) });
});
