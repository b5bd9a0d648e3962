import { listUsers } from '@/lib/admin/list-users';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { queryOf } from '../admin.types';
import { listUsersSchema, userPageSchema } from './users.types';
import { json } from '@/lib/api/respond';

/**
 * GET /api/v1/admin/users?q=&page= → {users: [...], page, pageSize, total}, oldest account
 * first. Admins only (404 otherwise).
 */
export const GET = withAuth({ scope: 'admin' }, async ({ request }) => {
  const query = listUsersSchema.parse(queryOf(request));
  return json(userPageSchema, await listUsers(await db(), query), {
    headers: { 'cache-control': 'no-store' },
  });
});
