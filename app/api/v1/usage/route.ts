import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { userUsage } from '@/lib/quotas/user-usage';
import { json } from '@/lib/api/respond';
import { usageSchema } from './usage.types';

/**
 * GET /api/v1/usage → the caller's quotas this calendar month (UTC): limits, what is used
 * (sessions running now, minutes live, minutes booked), what is left, and when it resets.
 */
export const GET = withAuth({ scope: 'read' }, async ({ user }) => {
  return json(usageSchema, await userUsage(await db(), { userId: user.id }), {
    headers: { 'cache-control': 'no-store' },
  });
});
