import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';
import { deleteRoom } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';

/**
 * Ends a session: deleting the room disconnects everyone, which also ends the worker's
 * session; a host that missed it is told to stop in the answer to its next report.
 */
export async function stopSession(
  prisma: PrismaClient,
  options: { userId: string; sessionId: string },
) {
  const session = await prisma.session.findFirst({
    where: { id: options.sessionId, userId: options.userId },
  });
  if (!session) throw notFound('Session');
  if (session.status === 'ended' || session.status === 'failed') return session;
  await deleteRoom(session.roomName).catch((error: unknown) => {
    log.warn({ err: error, sessionId: session.id }, 'room delete failed');
  });
  return prisma.session.update({
    where: { id: session.id },
    data: { status: 'ended', endedAt: new Date() },
  });
}
