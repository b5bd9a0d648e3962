import type { PrismaClient } from '@prisma/client';
import { listRoomViewers } from '@/lib/livekit/room-viewers';
import type { RoomSweepActions } from './room-sweep';
import { stopSession } from './stop-session';

/** The room sweep's real actions: LiveKit's server API, and stopSession like the owner's Stop. */
export function roomSweepActions(prisma: PrismaClient): RoomSweepActions {
  return {
    listViewers: listRoomViewers,
    stop: async (session) => {
      await stopSession(prisma, { userId: session.userId, sessionId: session.id });
    },
  };
}
