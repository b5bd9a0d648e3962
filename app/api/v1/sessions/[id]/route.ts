import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionView } from '@/lib/sessions/session-view';
import { stopSession } from '@/lib/sessions/stop-session';

type Params = { id: string };

const patchSchema = z.object({ publicViewing: z.boolean() });

/** GET /api/v1/sessions/:id */
export const GET = withAuth<Params>(async ({ user, params }) => {
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  // Hosts keep status, renderer and figures current through their reports.
  return Response.json(sessionView(session));
});

/** PATCH /api/v1/sessions/:id {publicViewing} — share or unshare the viewer URL. */
export const PATCH = withAuth<Params>(async ({ request, user, params }) => {
  const body = patchSchema.parse(await readJson(request));
  const prisma = await db();
  const session = await findOwnSession(prisma, user.id, params.id);
  const updated = await prisma.session.update({
    where: { id: session.id },
    data: { publicViewing: body.publicViewing },
  });
  return Response.json(sessionView(updated));
});

/** DELETE /api/v1/sessions/:id → 204 */
export const DELETE = withAuth<Params>(async ({ user, params }) => {
  await stopSession(await db(), { userId: user.id, sessionId: params.id });
  return new Response(null, { status: 204 });
});
