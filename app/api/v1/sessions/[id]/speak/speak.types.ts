/** Schemas of POST /api/v1/sessions/:id/speak (the request: lib/sessions/speak.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  idParams,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { speakBodySchema } from '@/lib/sessions/speak';

export { speakBodySchema };

/** 202 of speak and messages. */
export const acceptedSchema = z.object({ accepted: z.literal(true) });

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions/{id}/speak',
    tags: ['Speech'],
    summary: 'Make the avatar say a text as it is.',
    description:
      '`interrupt: true` drops what it is saying first. 409 when the session is not live.',
    security: authenticated,
    request: { params: idParams, ...jsonBody(speakBodySchema) },
    responses: {
      202: jsonResponse(acceptedSchema, 'Queued.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 503),
    },
  });
}
