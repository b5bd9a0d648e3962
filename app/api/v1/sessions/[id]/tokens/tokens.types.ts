/** Schemas of POST /api/v1/sessions/:id/tokens (the grant: lib/rooms/room-token.ts). */
import {
  authenticated,
  errorResponses,
  idParams,
  instant,
  jsonResponse,
  z,
  type OpenAPIRegistry,
} from '@/lib/api/openapi';

export const roomGrantSchema = z
  .object({
    livekitUrl: z.string(),
    token: z.string().openapi({ description: 'A LiveKit access token (JWT).' }),
    identity: z.string(),
    name: z.string(),
    role: z.enum(['host', 'moderator', 'guest']),
    mayTalk: z.boolean(),
    sessionId: z.string(),
    avatarName: z.string(),
    endsAt: instant.optional().openapi({ description: 'When a booked session ends.' }),
    expiresAt: instant.openapi({ description: 'When the token stops working.' }),
  })
  .openapi('RoomGrant');

export function registerOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/sessions/{id}/tokens',
    tags: ['Sessions'],
    summary: "A LiveKit token for the session's room, as its host.",
    description: 'It may subscribe, send data (chat) and publish a microphone. Rate limited.',
    security: authenticated,
    request: { params: idParams },
    responses: {
      200: jsonResponse(roomGrantSchema, 'The grant.'),
      ...errorResponses(404, 409, 429),
    },
  });
}
