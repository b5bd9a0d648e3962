import { notFound } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';

/** DELETE /api/v1/api-keys/:id → 204 (revokes the key) */
export const DELETE = withAuth<{ id: string }>(async ({ user, params }) => {
  const prisma = await db();
  const { count } = await prisma.apiKey.deleteMany({ where: { id: params.id, userId: user.id } });
  if (count === 0) throw notFound('API key');
  return new Response(null, { status: 204 });
});
