import { listAuditEvents } from '@/lib/audit/list-audit-events';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { json } from '@/lib/api/respond';
import { queryOf } from '../admin.types';
import { auditPageSchema, listAuditSchema } from './audit.types';

/**
 * GET /api/v1/admin/audit[?action&actorId&before&limit] → {events: [...], nextBefore}: who did
 * what to which resource, from where, newest first. Admins only.
 */
export const GET = withAuth({ scope: 'admin' }, async ({ request }) => {
  const query = listAuditSchema.parse(queryOf(request));
  return json(auditPageSchema, await listAuditEvents(await db(), query), {
    headers: { 'cache-control': 'no-store' },
  });
});
