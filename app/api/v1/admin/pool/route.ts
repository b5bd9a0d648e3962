import { ApiError } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { poolView } from '@/lib/workers/pool-view';

/** GET /api/v1/admin/pool → PoolView (lib/workers/pool-view.ts). Admins only; 404 otherwise. */
export const GET = withAuth(async ({ user }) => {
  // Not 403: the route's existence is nothing a non-admin needs to learn.
  if (!user.isAdmin) throw new ApiError('not_found', 'Not found.');
  return Response.json(await poolView(await db()), { headers: { 'cache-control': 'no-store' } });
});
