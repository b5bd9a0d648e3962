/** Schemas of /api/v1/sessions and /api/v1/sessions/:id (the view: lib/sessions/session-view.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  instant,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { SESSION_STATES } from '@/protocol/session-events';

/** POST /api/v1/sessions */
export const startSessionSchema = z.object({
  avatarId: z.string({ required_error: 'avatarId is required' }).min(1),
  /** Let logged-out people holding the viewer URL watch and chat. */
  publicViewing: z.boolean().optional(),
  /**
   * Answer once the avatar is live (default), or at once with the session `starting`, so a
   * viewer can join while the avatar arrives (the fastest first frame).
   */
  wait: z.boolean().default(true),
});

export const sessionStatusSchema = z.enum(['starting', 'live', 'ended', 'failed']);

export const sessionSchema = z
  .object({
    id: z.string(),
    avatarId: z.string(),
    room: z.string().openapi({ description: 'The LiveKit room name.' }),
    status: sessionStatusSchema,
    error: z.string().optional(),
    publicViewing: z.boolean(),
    guestsMayTalk: z
      .boolean()
      .openapi({ description: 'Whether guests on the viewer URL may publish a microphone.' }),
    renderer: z.string().optional().openapi({ description: '"builtin" or "onnx".' }),
    notice: z.string().optional(),
    state: z.string().openapi({ description: `Conversation state: ${SESSION_STATES.join(', ')}.` }),
    speaking: z.boolean(),
    livekitUrl: z.string(),
    viewerUrl: z.string().url(),
    createdAt: instant,
    endedAt: instant.optional(),
    bookingId: z.string().optional(),
    liveAt: instant.optional(),
    agent: z
      .object({ livekitUrl: z.string(), room: z.string(), agentIdentity: z.string() })
      .optional()
      .openapi({
        description:
          "Set when the session is a LiveKit Agent's face (POST /api/v1/agent-sessions): the agent's server, room and identity.",
      }),
    source: z.enum(['app', 'widget']).openapi({
      description: '`widget`: a conversation a visitor opened in the embedded widget.',
    }),
    usage: z.object({
      minutes: z.number().min(0),
      speechChars: z.number().int().min(0),
      viewersJoined: z.number().int().min(0),
      peakViewers: z.number().int().min(0),
    }),
  })
  .openapi('Session');

export const sessionListSchema = z.object({ sessions: z.array(sessionSchema) });

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.register('Session', sessionSchema);
  registry.registerPath({
    method: 'get',
    path: '/api/v1/sessions',
    tags: ['Sessions'],
    summary: "The caller's sessions, newest first (at most 100).",
    security: authenticated,
    responses: {
      200: jsonResponse(sessionListSchema, 'The sessions.'),
      ...errorResponses(),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions',
    tags: ['Sessions'],
    summary: 'Start a session: an avatar joins a new LiveKit room.',
    description:
      'Waits until the avatar is live unless `wait` is false. 429 when a quota is used up; 503 when the worker pool has no free slot.',
    security: authenticated,
    request: jsonBody(startSessionSchema),
    responses: {
      201: jsonResponse(sessionSchema, 'The session.'),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 429, 503),
    },
  });
}
