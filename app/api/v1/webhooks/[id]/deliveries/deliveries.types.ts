/** Schemas of /api/v1/webhooks/:id/deliveries: the delivery log. */
import {
  authenticated,
  errorResponses,
  idParams,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const webhookAttemptSchema = z
  .object({
    at: instant,
    status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'HTTP status; null: no answer (refused, timed out, unreachable).' }),
    responseExcerpt: z
      .string()
      .nullable()
      .openapi({ description: 'The first 500 characters of the answer.' }),
    error: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .openapi('WebhookAttempt');

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    messageId: z.string().openapi({ description: 'The `webhook-id` header.' }),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: instant.nullable(),
    nextAttemptAt: instant
      .nullable()
      .openapi({ description: 'When the next attempt is due (pending only).' }),
    deliveredAt: instant.nullable(),
    replayOf: z
      .string()
      .nullable()
      .openapi({ description: 'The id of the delivery this one replays.' }),
    createdAt: instant,
    payload: z
      .record(z.unknown())
      .openapi({ description: 'The body sent: `{type, timestamp, data}`.' }),
    attemptLog: z.array(webhookAttemptSchema),
  })
  .openapi('WebhookDelivery');

export const deliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/webhooks/{id}/deliveries',
    tags: ['Webhooks'],
    summary: "The endpoint's newest 50 deliveries with their attempts, newest first.",
    security: authenticated,
    request: { params: idParams },
    responses: {
      200: jsonResponse(deliveryListSchema, 'The delivery log.'),
      ...errorResponses(404),
    },
  });
}
