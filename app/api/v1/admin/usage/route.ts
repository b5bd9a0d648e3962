import { defaultUsageRange, USAGE_MAX_DAYS } from '@/lib/admin/usage-range';
import { usageReport } from '@/lib/admin/usage-report';
import { ApiError } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { queryOf } from '../admin.types';
import { usageQuerySchema, usageReportSchema } from './usage.types';
import { json } from '@/lib/api/respond';

/**
 * GET /api/v1/admin/usage[?from&to] → {from, to, days, users, avatars}: minutes, sessions,
 * viewers and speech characters per UTC day, per user and per avatar (default: the last 30
 * days, today included). Admins only (404 otherwise).
 */
export const GET = withAuth({ scope: 'admin' }, async ({ request }) => {
  const query = usageQuerySchema.parse(queryOf(request));
  const range = defaultUsageRange(new Date());
  const from = query.from ?? range.from;
  const to = query.to ?? range.to;
  if (to <= from) throw new ApiError('unprocessable', 'to must be after from.');
  if (to.getTime() - from.getTime() > USAGE_MAX_DAYS * 24 * 3_600_000) {
    throw new ApiError('unprocessable', `Ask for at most ${USAGE_MAX_DAYS} days at once.`);
  }
  return json(usageReportSchema, await usageReport(await db(), { from, to }), {
    headers: { 'cache-control': 'no-store' },
  });
});
