import { ApiError } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { refreshRoomToken } from '@/lib/rooms/room-token';

/**
 * POST /api/rooms/:id/token with `Authorization: Bearer <room token>` → a fresh RoomGrant for
 * the same identity and name, for the room :id only (a token for another room: 404). Refused (403, with why) once removed or after the host rotated
 * the link; a token expired for more than 5 minutes must join again through the link.
 */
export const POST = withErrors<{ id: string }>(async ({ request, params }) => {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) {
    throw new ApiError('unauthorized', 'Send "Authorization: Bearer <room token>".');
  }
  return Response.json(await refreshRoomToken({ prisma: await db(), sessionId: params.id, token }));
});
