/** Schemas of GET/PUT /api/v1/admin/registration. */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { registrationModeSchema } from '@/lib/registration/registration-mode';

/** PUT /api/v1/admin/registration; GET answers the same shape. */
export const registrationSchema = z.object({ mode: registrationModeSchema }).strict();
export type RegistrationBody = z.infer<typeof registrationSchema>;

export function registerOpenApi(registry: OpenAPIRegistry): void {
  const base = { path: '/api/v1/admin/registration', tags: ['Admin'], security: authenticated };
  registry.registerPath({
    ...base,
    method: 'get',
    summary: 'Who may register: open, invite (with an invite link) or closed.',
    responses: {
      200: jsonResponse(registrationSchema, 'The mode.'),
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    ...base,
    method: 'put',
    summary: 'Set who may register.',
    request: jsonBody(registrationSchema),
    responses: {
      200: jsonResponse(registrationSchema, 'The mode.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404),
    },
  });
}
