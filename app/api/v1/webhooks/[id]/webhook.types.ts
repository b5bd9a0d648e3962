/** Schemas of /api/v1/webhooks/:id. */
import {
  authenticated,
  errorResponses,
  idParams,
  jsonResponse,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { webhookSchema } from '../webhooks.types';

export { webhookSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = {
    path: '/api/v1/webhooks/{id}',
    tags: ['Webhooks'],
    security: authenticated,
    request: { params: idParams },
  };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'One webhook endpoint (never its secret).',
    responses: { 200: jsonResponse(webhookSchema, 'The endpoint.'), ...errorResponses(404) },
  });
  registry.registerPath({
    ...base,
    method: 'delete',
    summary: 'Delete a webhook endpoint with its delivery log; pending deliveries are dropped.',
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
