import { listUsers } from '@/lib/admin/list-users';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { queryOf } from '../admin.types';
import { listUsersSchema } from './users.types';

/**
 * GET /api/v1/admin/users?q=&page= → {users: [...], page, pageSize, total}, oldest account
 * first. Admins only (404 otherwise).
 */
export const GET = withAuth(
  async ({ request }) => {
    const query = listUsersSchema.parse(queryOf(request));
    return Response.json(await listUsers(await db(), query), {
      headers: { 'cache-control': 'no-store' },
    });
  },
  { admin: true },
);
