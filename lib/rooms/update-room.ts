import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { joinUrl } from '@/lib/bookings/booking-view';
import { viewerUrl } from '@/lib/sessions/session-view';
import { broadcastRoomEvent } from './broadcast-room-event';
import { disconnectParticipant } from './moderate-participant';
import { assertModerator, assertRunning, type RoomActor } from './room-actor';

export const ROTATED_REASON =
  'The host replaced the link you joined with: ask them for the new one.';

export interface RoomSettingsView {
  locked: boolean;
  viewerUrl: string;
  joinUrl?: string;
  /** People taken out of the room because they came through the replaced link. */
  removed?: number;
}

/**
 * Locks or unlocks the room (a locked room gives nobody new a token) and rotates its links:
 * the viewer link (and the booking's join link) are replaced, and everyone who joined through
 * the old ones is removed; their tokens are refused from then on (lib/rooms/room-token.ts,
 * and the LiveKit webhook for a token used to come back).
 */
export async function updateRoom(options: {
  prisma: PrismaClient;
  actor: RoomActor;
  locked?: boolean;
  rotateLink?: boolean;
}): Promise<RoomSettingsView> {
  const { prisma, actor } = options;
  assertModerator(actor, 'change the room');
  assertRunning(actor);
  if (options.rotateLink && actor.role !== 'host') {
    throw new ApiError('forbidden', 'Only the host can replace the room link.');
  }
  const { session } = actor;
  const updated = await prisma.$transaction(async (tx) => {
    const next = await tx.session.update({
      where: { id: session.id },
      data: {
        ...(options.locked !== undefined ? { roomLocked: options.locked } : {}),
        ...(options.rotateLink
          ? { linkVersion: { increment: 1 }, viewerKey: randomBytes(18).toString('base64url') }
          : {}),
      },
      include: { booking: true },
    });
    if (options.rotateLink && next.booking) {
      next.booking = await tx.booking.update({
        where: { id: next.booking.id },
        data: { joinKey: randomBytes(18).toString('base64url') },
      });
    }
    return next;
  });
  let removed: number | undefined;
  if (options.rotateLink) {
    const stale = await prisma.roomParticipant.findMany({
      where: {
        sessionId: session.id,
        role: { not: 'host' },
        removedAt: null,
        linkVersion: { lt: updated.linkVersion },
      },
    });
    await prisma.roomParticipant.updateMany({
      where: { id: { in: stale.map((p) => p.id) } },
      data: { removedAt: new Date(), removedReason: ROTATED_REASON },
    });
    for (const p of stale) {
      await broadcastRoomEvent(session.roomName, {
        type: 'removed',
        identity: p.identity,
        reason: ROTATED_REASON,
      });
    }
    await Promise.all(stale.map((p) => disconnectParticipant(session.roomName, p.identity)));
    removed = stale.length;
  }
  if (options.locked !== undefined) {
    await broadcastRoomEvent(session.roomName, { type: 'room', locked: updated.roomLocked });
  }
  return {
    locked: updated.roomLocked,
    viewerUrl: viewerUrl(updated.viewerKey),
    ...(updated.booking ? { joinUrl: joinUrl(updated.booking.joinKey) } : {}),
    ...(removed !== undefined ? { removed } : {}),
  };
}
