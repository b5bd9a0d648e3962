import { json } from '@/lib/api/respond';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { listDeliveries } from '@/lib/webhooks/endpoints';
import { deliveryListSchema } from './deliveries.types';

/**
 * GET /api/v1/webhooks/:id/deliveries → {deliveries: [{id, messageId, event, status, attempts,
 * lastStatus, nextAttemptAt, attemptLog, payload, …}]}, the newest 50 first
 */
export const GET = withAuth<{ id: string }>({ scope: 'read' }, async ({ user, params }) => {
  const deliveries = await listDeliveries(await db(), user.id, params.id);
  return json(deliveryListSchema, { deliveries });
});
