import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { sessionView } from '@/lib/sessions/session-view';
import { startSession } from '@/lib/sessions/start-session';
import { json } from '@/lib/api/respond';
import { sessionListSchema, sessionSchema, startSessionSchema } from './sessions.types';

/** GET /api/v1/sessions → {sessions: [...]} newest first. */
export const GET = withAuth({ scope: 'read' }, async ({ user }) => {
  const prisma = await db();
  const sessions = await prisma.session.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    take: 100,
  });
  return json(sessionListSchema, { sessions: sessions.map((s) => sessionView(s)) });
});

/** POST /api/v1/sessions {avatarId, publicViewing?, wait?} → 201 {id, status, room, ...} */
export const POST = withAuth({ scope: 'sessions' }, async ({ request, user }) => {
  const body = startSessionSchema.parse(await readJson(request));
  const session = await startSession(await db(), {
    userId: user.id,
    avatarId: body.avatarId,
    publicViewing: body.publicViewing,
    dataDir: env().FACECAST_DATA_DIR,
    ...(body.wait ? {} : { waitMs: 0 }),
  });
  return json(sessionSchema, sessionView(session), { status: 201 });
});
