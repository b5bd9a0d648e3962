import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';

/** A session the user owns; other users' sessions are reported as not found. */
export async function findOwnSession(prisma: PrismaClient, userId: string, sessionId: string) {
  const session = await prisma.session.findFirst({ where: { id: sessionId, userId } });
  if (!session) throw notFound('Session');
  return session;
}

/** A session that is still running, or a clear error that it has ended. */
export async function findLiveSession(prisma: PrismaClient, userId: string, sessionId: string) {
  const session = await findOwnSession(prisma, userId, sessionId);
  if (session.status !== 'live' && session.status !== 'starting') {
    throw new ApiError('conflict', 'This session has ended. Start a new session for the avatar.');
  }
  return session;
}
