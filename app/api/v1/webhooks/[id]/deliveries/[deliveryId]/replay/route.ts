import { json } from '@/lib/api/respond';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { replayDelivery } from '@/lib/webhooks/endpoints';
import { webhookDeliverySchema } from './replay.types';

/**
 * POST /api/v1/webhooks/:id/deliveries/:deliveryId/replay → 202 a new delivery of the same
 * payload and `webhook-id`, due now, with a fresh 24 h of retries
 */
export const POST = withAuth<{ id: string; deliveryId: string }>(
  { scope: ['read', 'sessions'] },
  async ({ user, params }) => {
    const delivery = await replayDelivery(await db(), {
      userId: user.id,
      endpointId: params.id,
      deliveryId: params.deliveryId,
    });
    return json(webhookDeliverySchema, delivery, { status: 202 });
  },
);
