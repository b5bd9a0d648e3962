import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { poolView } from '@/lib/workers/pool-view';
import { json } from '@/lib/api/respond';
import { poolViewSchema } from './pool.types';

/** GET /api/v1/admin/pool → PoolView (lib/workers/pool-view.ts). Admins only; 404 otherwise. */
export const GET = withAuth({ scope: 'admin' }, async () =>
  json(poolViewSchema, await poolView(await db()), { headers: { 'cache-control': 'no-store' } }),
);
