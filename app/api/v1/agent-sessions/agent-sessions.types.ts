/** Schemas of /api/v1/agent-sessions (the service: lib/agent-sessions/start-agent-session.ts). */
import {
  JSON_BODY_ERRORS,
  authenticated,
  errorResponses,
  jsonBody,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';
import { sessionSchema } from '../sessions/sessions.types';

/** POST /api/v1/agent-sessions */
export const startAgentSessionSchema = z.object({
  avatarId: z.string({ required_error: 'avatarId is required' }).min(1),
  livekitUrl: z
    .string({ required_error: 'livekitUrl is required' })
    .min(1)
    .max(2048)
    .openapi({ description: "The agent's LiveKit server, e.g. wss://my-project.livekit.cloud." }),
  livekitToken: z.string({ required_error: 'livekitToken is required' }).min(1).max(8192).openapi({
    description:
      'An access token the agent minted for the avatar participant: roomJoin for its room, canPublish, kind "agent", and the attribute lk.publish_on_behalf naming the agent\'s identity.',
  }),
});

export const agentSessionSchema = z
  .object({
    id: z.string(),
    identity: z
      .string()
      .openapi({ description: "The avatar participant's identity in the agent's room." }),
    session: sessionSchema,
  })
  .openapi('AgentSession');

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.register('AgentSession', agentSessionSchema);
  registry.registerPath({
    method: 'post',
    path: '/api/v1/agent-sessions',
    tags: ['Agent sessions'],
    summary: "Start an avatar as the face of a LiveKit Agent, in the agent's own room.",
    description:
      'The avatar joins the given LiveKit server with the given token, publishes its video and audio, plays the audio the agent streams on lk.audio_stream and answers lk.clear_buffer (docs/livekit-agents.md). Answers once the avatar has joined. 422 when the token or URL cannot work (expired, no room, no lk.publish_on_behalf, an address that is not allowed); 429 when a quota is used up; 503 when the worker pool has no free slot.',
    security: authenticated,
    request: jsonBody(startAgentSessionSchema),
    responses: {
      201: jsonResponse(
        agentSessionSchema,
        'The face has joined (or is joining) the agent’s room.',
      ),
      ...errorResponses(...JSON_BODY_ERRORS, 404, 409, 429, 503),
    },
  });
}
