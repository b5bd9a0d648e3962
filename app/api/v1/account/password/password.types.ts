/** Schemas of PUT /api/v1/account/password (lib/users/change-password.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  jsonBody,
  noContent,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { changePasswordSchema } from '@/lib/users/change-password';

export { changePasswordSchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'put',
    path: '/api/v1/account/password',
    tags: ['Account'],
    summary: 'Change the password; 422 when the current one is wrong.',
    security: authenticated,
    request: jsonBody(changePasswordSchema),
    responses: { 204: noContent, ...errorResponses(...JSON_BODY_ERRORS) },
  });
}
