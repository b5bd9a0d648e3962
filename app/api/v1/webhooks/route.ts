import { readJson } from '@/lib/api/errors';
import { json } from '@/lib/api/respond';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { outboundPolicyFor } from '@/lib/providers/outbound-policy';
import { createWebhookEndpoint, listWebhookEndpoints } from '@/lib/webhooks/endpoints';
import { createdWebhookSchema, createWebhookSchema, webhookListSchema } from './webhooks.types';

/** GET /api/v1/webhooks → {webhooks: [{id, url, events, description, createdAt}]} */
export const GET = withAuth({ scope: 'read' }, async ({ user }) => {
  return json(webhookListSchema, { webhooks: await listWebhookEndpoints(await db(), user.id) });
});

/**
 * POST /api/v1/webhooks {url, events, description?} → 201 {id, url, events, …, secret}; the
 * signing secret (`whsec_…`) is shown only in this answer. A URL on this machine or a private
 * network is refused (422) unless an admin or FACECAST_OUTBOUND_ALLOWLIST allows it.
 */
export const POST = withAuth({ scope: ['read', 'sessions'] }, async ({ request, user }) => {
  const body = createWebhookSchema.parse(await readJson(request));
  const created = await createWebhookEndpoint(await db(), {
    userId: user.id,
    ...body,
    appSecret: env().AUTH_SECRET,
    outbound: outboundPolicyFor(user.isAdmin),
  });
  return json(createdWebhookSchema, created, { status: 201 });
});
