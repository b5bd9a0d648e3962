/** Schemas of DELETE /api/v1/api-keys/:id. */
import {
  authenticated,
  errorResponses,
  idParams,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'delete',
    path: '/api/v1/api-keys/{id}',
    tags: ['Account'],
    summary: 'Revoke an API key (also the one making the request).',
    description:
      "A key may revoke only keys whose scopes it all holds (else 403 `insufficient_scope`); the login cookie may revoke any of its user's keys.",
    security: authenticated,
    request: { params: idParams },
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
