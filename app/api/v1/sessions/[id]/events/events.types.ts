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

/**
 * One event of the stream as an SSE client parses it (the schema of each event, as
 * schemathesis and OpenAPI 3.2's `itemSchema` read an event-stream response).
 */
export const sessionEventFrameSchema = z
  .object({
    event: z.string().optional().openapi({ description: 'The event type, e.g. `state`.' }),
    data: z.string().optional().openapi({ description: 'One JSON object with `type`.' }),
    id: z.string().optional().openapi({ description: 'Resume after it with Last-Event-ID.' }),
    retry: z.number().int().optional(),
  })
  .openapi('SessionEventFrame');

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/sessions/{id}/events',
    tags: ['Sessions'],
    summary: "The session's events as Server-Sent Events.",
    description:
      'Events: `state`, `speech.queued`, `speech.started`, `speech.ended`, `speech.dropped` (`reason`: `interrupted` before it was heard, `crash`: the session process died and restarted without it, or `connection_lost`: the LiveKit server went away and the session rejoined without it), `user.transcript`, `connection` (`state`: `reconnecting` or `reconnected`, while the LiveKit server is restarted or unreachable), `error`; each `data:` line is one JSON object with `type`. The stream stays open while the session runs.',
    security: authenticated,
    request: { params: idParams, headers: eventsHeadersSchema },
    responses: {
      200: {
        description: 'An event stream.',
        content: { 'text/event-stream': { schema: sessionEventFrameSchema } },
      },
      ...errorResponses(404),
    },
  });
}
