import type { PrismaClient } from '@prisma/client';
import { notFound } from '@/lib/api/errors';
import { STAGES } from './preparation-progress';
import { requeuePreparation } from './preparation-queue';

/** What the user is told when a session could not start because the store is being rebuilt. */
export const STORE_REBUILT_MESSAGE =
  "This avatar's prepared frames were damaged, so they are being rebuilt from the original upload. Start the session again once the avatar is ready (usually within a minute).";

/**
 * Rebuilds an avatar's frame store from its kept upload: status `preparing`, progress 0,
 * queued behind other preparations. Resolves once queued (the avatar row already says
 * `preparing`); the preparation itself runs in the background and ends in `ready` or
 * `failed`. With `wait`, resolves only when it has finished. Queuing twice is a no-op.
 */
export async function rebuildAvatarStore(
  prisma: PrismaClient,
  avatarId: string,
  dataDir: string,
  options: { wait?: boolean } = {},
): Promise<void> {
  const avatar = await prisma.avatar.findUnique({ where: { id: avatarId } });
  if (!avatar) throw notFound('Avatar');
  const queued = await requeuePreparation(prisma, avatar, dataDir, STAGES.rebuilding);
  if (options.wait && queued) await queued.run.catch(() => undefined);
}
