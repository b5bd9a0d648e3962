import { rm } from 'node:fs/promises';
import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';
import { stopSession } from '@/lib/sessions/stop-session';
import { avatarDir } from './avatar-files';

/** Deletes an avatar the user owns, ending its live sessions first. */
export async function deleteAvatar(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string; dataDir: string },
): Promise<void> {
  const avatar = await prisma.avatar.findFirst({
    where: { id: options.avatarId, userId: options.userId },
    include: { sessions: { where: { status: { in: ['starting', 'live'] } } } },
  });
  if (!avatar) throw notFound('Avatar');
  for (const session of avatar.sessions) {
    await stopSession(prisma, { userId: options.userId, sessionId: session.id });
  }
  await prisma.avatar.delete({ where: { id: avatar.id } });
  await rm(avatarDir(options.dataDir, avatar.id), { recursive: true, force: true });
}
