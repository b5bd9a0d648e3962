import { notFound } from '@/lib/api/errors';
import { avatarView } from '@/lib/avatars/avatar-view';
import { deleteAvatar } from '@/lib/avatars/delete-avatar';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';

type Params = { id: string };

/** GET /api/v1/avatars/:id → {id, name, status, error?} */
export const GET = withAuth<Params>(async ({ user, params }) => {
  const prisma = await db();
  const avatar = await prisma.avatar.findFirst({ where: { id: params.id, userId: user.id } });
  if (!avatar) throw notFound('Avatar');
  return Response.json(avatarView(avatar));
});

/** DELETE /api/v1/avatars/:id → 204 (ends its live sessions) */
export const DELETE = withAuth<Params>(async ({ user, params }) => {
  await deleteAvatar(await db(), {
    userId: user.id,
    avatarId: params.id,
    dataDir: env().FACECAST_DATA_DIR,
  });
  return new Response(null, { status: 204 });
});
