/** Schemas of GET /api/v1/sessions/:id/transcript (lib/sessions/session-transcript.ts). */
import {
  authenticated,
  errorResponses,
  idParams,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const transcriptSchema = z.object({
  turns: z.array(
    z
      .object({
        role: z.enum(['user', 'avatar']),
        speaker: z
          .string()
          .optional()
          .openapi({ description: 'Who spoke a user turn: a participant identity, or "api".' }),
        text: z.string(),
        startedAt: instant,
        endedAt: instant.optional(),
        interrupted: z.boolean(),
      })
      .openapi('TranscriptTurn'),
  ),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/sessions/{id}/transcript',
    tags: ['Sessions'],
    summary: "The session's turns, also after it ended.",
    security: authenticated,
    request: { params: idParams },
    responses: {
      200: jsonResponse(transcriptSchema, 'The transcript.'),
      ...errorResponses(404),
    },
  });
}
