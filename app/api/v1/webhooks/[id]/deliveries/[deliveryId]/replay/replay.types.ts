/** Schemas of POST /api/v1/webhooks/:id/deliveries/:deliveryId/replay. */
import {
  authenticated,
  errorResponses,
  idParams,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { webhookDeliverySchema } from '../../deliveries.types';

export { webhookDeliverySchema };

const replayParams = idParams.extend({
  deliveryId: z.string().min(1).openapi({ description: 'The delivery to send again.' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    tags: ['Webhooks'],
    summary:
      'Send a delivery again: a new delivery of the same payload and `webhook-id`, due now, retried for 24 h.',
    security: authenticated,
    request: { params: replayParams },
    responses: {
      202: jsonResponse(webhookDeliverySchema, 'The new delivery, queued.'),
      ...errorResponses(404),
    },
  });
}
