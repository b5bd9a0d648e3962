/** Schemas of POST /api/v1/sessions/:id/messages (the request: lib/sessions/speak.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  jsonBody,
  jsonResponse,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { messageBodySchema } from '@/lib/sessions/speak';
import { acceptedSchema } from '../speak/speak.types';

export { acceptedSchema, messageBodySchema };

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions/{id}/messages',
    tags: ['Speech'],
    summary: 'Send a user turn: answered by the model in chat mode, said as it is in echo mode.',
    description: '409 when the session is not live.',
    security: authenticated,
    request: { params: idParams, ...jsonBody(messageBodySchema) },
    responses: {
      202: jsonResponse(acceptedSchema, 'Queued.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 503),
    },
  });
}
