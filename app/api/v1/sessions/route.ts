import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { sessionView } from '@/lib/sessions/session-view';
import { startSession } from '@/lib/sessions/start-session';

const startBodySchema = z.object({
  avatarId: z.string({ required_error: 'avatarId is required' }).min(1),
  /** Let logged-out people holding the viewer URL watch and chat. */
  publicViewing: z.boolean().optional(),
  /**
   * Answer once the avatar is live (default), or at once with the session `starting`, so a
   * viewer can join while the avatar arrives (the fastest first frame).
   */
  wait: z.boolean().default(true),
});

/** GET /api/v1/sessions → {sessions: [...]} newest first. */
export const GET = withAuth(async ({ user }) => {
  const prisma = await db();
  const sessions = await prisma.session.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    take: 100,
  });
  return Response.json({ sessions: sessions.map((s) => sessionView(s)) });
});

/** POST /api/v1/sessions {avatarId, publicViewing?, wait?} → 201 {id, status, room, ...} */
export const POST = withAuth(async ({ request, user }) => {
  const body = startBodySchema.parse(await readJson(request));
  const session = await startSession(await db(), {
    userId: user.id,
    avatarId: body.avatarId,
    publicViewing: body.publicViewing,
    dataDir: env().FACECAST_DATA_DIR,
    ...(body.wait ? {} : { waitMs: 0 }),
  });
  return Response.json(sessionView(session), { status: 201 });
});
