/** Schemas of POST /api/v1/avatars/:id/conversation/test (lib/conversation/test-chat-model.ts). */
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
import { chatModelTestBodySchema } from '@/lib/conversation/test-chat-model';

export { chatModelTestBodySchema };

export const chatModelTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    text: z.string(),
    latencyMs: z.number().min(0).openapi({ description: 'Request to last token, ms.' }),
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(['connection', 'http', 'timeout', 'malformed', 'empty', 'aborted']),
      message: z.string(),
      status: z.number().int().optional().openapi({ description: "The model server's status." }),
    }),
  }),
]);

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/avatars/{id}/conversation/test',
    tags: ['Avatars'],
    summary: "Test the avatar's language model with one real request.",
    description:
      'Values in the body override the stored ones (unsaved form values). A failing model server is an answer (`ok: false`), not an error.',
    security: authenticated,
    request: { params: idParams, ...jsonBody(chatModelTestBodySchema) },
    responses: {
      200: jsonResponse(chatModelTestResultSchema, 'The answer, or why the model failed.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404),
    },
  });
}
