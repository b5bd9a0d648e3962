import type { PrismaClient } from '@prisma/client';
import { GUEST_IDENTITY_PREFIX } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { disconnectParticipant } from './moderate-participant';

/**
 * Called when someone connects to a session's room (LiveKit's participant_joined webhook):
 * a LiveKit token cannot be revoked, so a removed participant, or one coming back with a
 * token of a link the host rotated, is taken out again at once. Returns whether it was.
 */
export async function enforceParticipant(
  prisma: PrismaClient,
  roomName: string,
  identity: string,
): Promise<boolean> {
  const session = await prisma.session.findUnique({ where: { roomName } });
  if (!session) return false;
  const row = await prisma.roomParticipant.findUnique({
    where: { sessionId_identity: { sessionId: session.id, identity } },
  });
  const refused = row
    ? row.removedAt !== null || (row.role !== 'host' && row.linkVersion < session.linkVersion)
    : // Every guest token is recorded when issued: an unknown guest was not let in by us.
      identity.startsWith(GUEST_IDENTITY_PREFIX);
  if (!refused) return false;
  log.info({ sessionId: session.id }, 'refused participant removed from room');
  await disconnectParticipant(roomName, identity);
  return true;
}
