import { listAllSessions } from '@/lib/admin/list-all-sessions';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { queryOf } from '../admin.types';
import { adminSessionPageSchema, listAllSessionsSchema } from './sessions.types';
import { json } from '@/lib/api/respond';

/**
 * GET /api/v1/admin/sessions[?status&page] → {sessions: [...], page, pageSize, total}: every
 * user's sessions, newest first, with ownerEmail, avatarName and usage. Admins only.
 */
export const GET = withAuth({ scope: 'admin' }, async ({ request }) => {
  const query = listAllSessionsSchema.parse(queryOf(request));
  return json(adminSessionPageSchema, await listAllSessions(await db(), query), {
    headers: { 'cache-control': 'no-store' },
  });
});
