import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';
import { deleteRoom } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { sessionEndedWebhook } from '@/lib/webhooks/session-webhooks';

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
  const ended = await prisma.session.updateMany({
    where: { id: session.id, status: { in: ['starting', 'live'] } },
    data: { status: 'ended', endedAt: new Date() },
  });
  if (ended.count === 1) await sessionEndedWebhook(prisma, session.id);
  return prisma.session.findUniqueOrThrow({ where: { id: session.id } });
}
