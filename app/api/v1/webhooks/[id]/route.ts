import { json } from '@/lib/api/respond';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { deleteWebhookEndpoint, endpointView, findWebhookEndpoint } from '@/lib/webhooks/endpoints';
import { webhookSchema } from './webhook.types';

type Params = { id: string };

/** GET /api/v1/webhooks/:id → the endpoint (never its secret) */
export const GET = withAuth<Params>({ scope: 'read' }, async ({ user, params }) => {
  const endpoint = await findWebhookEndpoint(await db(), user.id, params.id);
  return json(webhookSchema, endpointView(endpoint));
});

/** DELETE /api/v1/webhooks/:id → 204; its delivery log and pending deliveries go with it */
export const DELETE = withAuth<Params>(
  { scope: ['read', 'sessions'] },
  async ({ user, params }) => {
    await deleteWebhookEndpoint(await db(), user.id, params.id);
    return new Response(null, { status: 204 });
  },
);
