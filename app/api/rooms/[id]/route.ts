import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { resolveRoomActor } from '@/lib/rooms/room-actor';
import { roomState } from '@/lib/rooms/room-state';
import { updateRoom } from '@/lib/rooms/update-room';
import { roomSettingsSchema } from '../rooms.types';

/**
 * GET /api/rooms/:id → RoomStateView: who is here, recent chat, pending questions, me.
 * Callers: people in the room (`Authorization: Bearer <room token>`) or the session's owner.
 */
export const GET = withErrors<{ id: string }>(async ({ request, params }) => {
  const prisma = await db();
  const actor = await resolveRoomActor(prisma, request, params.id, 'read');
  return Response.json(await roomState(prisma, actor), {
    headers: { 'Cache-Control': 'no-store' },
  });
});

/**
 * PATCH /api/rooms/:id {locked?, rotateLink?: true} → {locked, viewerUrl, joinUrl?, removed?}
 * Host or moderator locks; only the host rotates the links.
 */
export const PATCH = withErrors<{ id: string }>(async ({ request, params }) => {
  const body = roomSettingsSchema.parse(await readJson(request));
  const prisma = await db();
  const actor = await resolveRoomActor(prisma, request, params.id, 'sessions');
  return Response.json(await updateRoom({ prisma, actor, ...body }));
});
