/** Schemas of GET /api/v1/sessions/:id/events (the events: protocol/session-events.ts). */
import {
  authenticated,
  errorResponses,
  idParams,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const eventsHeadersSchema = z.object({
  'last-event-id': z
    .string()
    .optional()
    .openapi({ description: 'Resume after this event id (sent by EventSource on reconnect).' }),
});

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/sessions/{id}/events',
    tags: ['Sessions'],
    summary: "The session's events as Server-Sent Events.",
    description:
      'Events: `state`, `speech.started`, `speech.ended`, `user.transcript`, `error`; each `data:` line is one JSON object with `type`. The stream stays open while the session runs.',
    security: authenticated,
    request: { params: idParams, headers: eventsHeadersSchema },
    responses: {
      200: {
        description: 'An event stream.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...errorResponses(404),
    },
  });
}
