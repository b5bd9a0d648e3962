/** Schemas of POST /api/v1/sessions/:id/interrupt. */
import {
  authenticated,
  errorResponses,
  idParams,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions/{id}/interrupt',
    tags: ['Speech'],
    summary: 'Stop what the avatar says or is about to say.',
    description: 'Harmless when the avatar is idle. 409 when the session is not live.',
    security: authenticated,
    request: { params: idParams },
    responses: { 204: noContent, ...errorResponses(404, 409, 503) },
  });
}
