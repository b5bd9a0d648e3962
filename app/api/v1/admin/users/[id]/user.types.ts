/** Schemas of PATCH /api/v1/admin/users/:id (shared with the list: ../users.types.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  jsonBody,
  jsonResponse,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { updatedUserSchema, updateUserSchema } from '../users.types';

export { updatedUserSchema, updateUserSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'patch',
    path: '/api/v1/admin/users/{id}',
    tags: ['Admin'],
    summary: "Change a user's role, disable or enable them, override their quotas.",
    description: '409 when an admin would disable or demote themselves or the last admin.',
    security: authenticated,
    request: { params: idParams, ...jsonBody(updateUserSchema) },
    responses: {
      200: jsonResponse(updatedUserSchema, 'The user.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409),
    },
  });
}
