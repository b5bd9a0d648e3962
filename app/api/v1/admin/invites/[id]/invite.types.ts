/** Schemas of DELETE /api/v1/admin/invites/:id. */
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
    path: '/api/v1/admin/invites/{id}',
    tags: ['Admin'],
    summary: 'Delete an invite; its link stops working.',
    security: authenticated,
    request: { params: idParams },
    responses: { 204: noContent, ...errorResponses(404) },
  });
}
