/** Schemas of /api/v1/webhooks (lib/webhooks/endpoints.ts; docs/webhooks.md). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  instant,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { WEBHOOK_EVENTS } from '@/lib/webhooks/events';

export const webhookEventSchema = z
  .enum(WEBHOOK_EVENTS, {
    errorMap: () => ({ message: `an event is one of: ${WEBHOOK_EVENTS.join(', ')}` }),
  })
  .openapi('WebhookEvent', { description: 'An event a webhook endpoint can subscribe to.' });

/** POST /api/v1/webhooks */
export const createWebhookSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(2000, 'url is too long (2000 characters at most)')
      .refine((value) => {
        try {
          return /^https?:$/.test(new URL(value).protocol);
        } catch {
          return false;
        }
      }, 'url must be a full http(s) URL, e.g. https://example.com/facecast-webhook')
      .openapi({ example: 'https://example.com/facecast-webhook' }),
    events: z
      .array(webhookEventSchema)
      .min(1, 'Name at least one event, e.g. ["session.started", "session.ended"]')
      .max(WEBHOOK_EVENTS.length * 2),
    description: z.string().trim().max(200, 'description is too long (200 at most)').optional(),
  })
  .strict();

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    createdAt: instant,
  })
  .openapi('WebhookEndpoint');

export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });

export const createdWebhookSchema = webhookSchema.extend({
  secret: z.string().openapi({
    description:
      'The signing secret (`whsec_…`, Standard Webhooks): shown only now. Verify every delivery with it.',
  }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/webhooks',
    tags: ['Webhooks'],
    summary: "The caller's webhook endpoints (never their secrets).",
    security: authenticated,
    responses: { 200: jsonResponse(webhookListSchema, 'The endpoints.'), ...errorResponses() },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/webhooks',
    tags: ['Webhooks'],
    summary:
      'Register a webhook endpoint; the signing secret is in this answer only. A URL on a private or link-local network is refused (422) unless the operator allows it.',
    security: authenticated,
    request: jsonBody(createWebhookSchema),
    responses: {
      201: jsonResponse(createdWebhookSchema, 'The new endpoint and its secret.'),
      ...errorResponses(...JSON_BODY_ERRORS, 409),
    },
  });
}
