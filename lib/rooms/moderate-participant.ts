import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { roomService } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { broadcastRoomEvent } from './broadcast-room-event';
import { assertModerator, type RoomActor } from './room-actor';
import type { ParticipantRole, RoomParticipantView } from './room-event-types';

export type ModerationAction = 'mute' | 'unmute' | 'remove' | 'promote' | 'demote';

export const DEFAULT_REMOVAL_REASON = 'The host removed you from this room.';

/** Takes someone out of the LiveKit room now; gone already is fine. */
export async function disconnectParticipant(roomName: string, identity: string): Promise<void> {
  await roomService()
    .removeParticipant(roomName, identity)
    .catch((error: unknown) => log.info({ err: error, roomName }, 'participant already gone'));
}

/**
 * The host or a moderator mutes or unmutes someone's chat, or removes them (their page says
 * why; their token stops working and they cannot come back with it); only the host names or
 * unnames moderators. Nobody moderates the host.
 */
export async function moderateParticipant(options: {
  prisma: PrismaClient;
  actor: RoomActor;
  identity: string;
  action: ModerationAction;
  reason?: string;
}): Promise<RoomParticipantView> {
  const { prisma, actor, action } = options;
  assertModerator(actor, 'moderate this room');
  const { session } = actor;
  const target = await prisma.roomParticipant.findUnique({
    where: { sessionId_identity: { sessionId: session.id, identity: options.identity } },
  });
  if (!target || target.removedAt) throw notFound('Participant');
  if (target.role === 'host') throw new ApiError('forbidden', 'Nobody can moderate the host.');
  if ((action === 'promote' || action === 'demote') && actor.role !== 'host') {
    throw new ApiError('forbidden', 'Only the host can name or unname moderators.');
  }
  if (target.role === 'moderator' && actor.role !== 'host') {
    throw new ApiError('forbidden', 'Only the host can moderate a moderator.');
  }
  if (action === 'remove') {
    const reason = options.reason?.trim() || DEFAULT_REMOVAL_REASON;
    await prisma.roomParticipant.update({
      where: { id: target.id },
      data: { removedAt: new Date(), removedReason: reason },
    });
    // The reason first, so the page can say it before LiveKit disconnects it.
    await broadcastRoomEvent(session.roomName, {
      type: 'removed',
      identity: target.identity,
      reason,
    });
    await disconnectParticipant(session.roomName, target.identity);
    return { identity: target.identity, name: target.name, role: 'guest', chatMuted: true };
  }
  const updated = await prisma.roomParticipant.update({
    where: { id: target.id },
    data:
      action === 'mute' || action === 'unmute'
        ? { chatMuted: action === 'mute' }
        : { role: action === 'promote' ? 'moderator' : 'guest' },
  });
  const role: ParticipantRole = updated.role === 'moderator' ? 'moderator' : 'guest';
  await broadcastRoomEvent(session.roomName, {
    type: 'participant',
    identity: updated.identity,
    role,
    chatMuted: updated.chatMuted,
  });
  return { identity: updated.identity, name: updated.name, role, chatMuted: updated.chatMuted };
}
