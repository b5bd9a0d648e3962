/**
 * On app start, before preparations resume: avatars whose upload the previous run was killed
 * in the middle of. createAvatar() makes the row first, then writes the file beside its final
 * name and renames it; a row still `preparing` without its source file, and never prepared
 * before, is an upload that never finished — its request got no answer, so its owner never
 * saw the avatar. Such rows are removed with their directory (and any `.part` file), as if
 * the request had failed; users upload again. An avatar with a whole source resumes its
 * preparation instead (resumePreparations), after the temp files of the frame store its
 * killed job was writing are deleted (the job does not outlive the app: prepare-avatar-job.ts).
 */
import { access, rm } from 'node:fs/promises';
import type { PrismaClient } from '@prisma/client';
import { log } from '@/lib/log/logger';
import { removeFrameStoreTempFiles } from '@/protocol/frame-store/write-frame-store';
import { avatarDir, partPath, sourcePath } from './avatar-files';
import { avatarStoreDir } from './avatar-store';
import { sourceExtension } from './sniff-media';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Removes the rows and files of uploads a killed app left unfinished, and the `.part` file
 * and frame-store temp files of any avatar still being prepared. Returns how many avatars
 * were removed.
 */
export async function discardInterruptedUploads(
  prisma: PrismaClient,
  dataDir: string,
): Promise<number> {
  const pending = await prisma.avatar.findMany({
    where: { status: 'preparing' },
    select: { id: true, sourceType: true, framePath: true, storeDir: true },
  });
  let discarded = 0;
  for (const avatar of pending) {
    const source = sourcePath(dataDir, avatar.id, sourceExtension(avatar.sourceType));
    await rm(partPath(source), { force: true });
    const temps = await removeFrameStoreTempFiles(avatarStoreDir(avatarDir(dataDir, avatar.id)));
    if (temps > 0) log.warn({ avatarId: avatar.id, temps }, 'half-written frame store removed');
    // A rebuild of a once-ready avatar whose source is gone fails with a reason instead
    // (requeuePreparation): its owner knows it and may still have sessions of it.
    if ((await exists(source)) || avatar.framePath !== null || avatar.storeDir !== null) continue;
    const { count } = await prisma.avatar.deleteMany({
      where: { id: avatar.id, status: 'preparing' },
    });
    await rm(avatarDir(dataDir, avatar.id), { recursive: true, force: true });
    if (count === 1) {
      discarded++;
      log.warn({ avatarId: avatar.id }, 'unfinished avatar upload discarded');
    }
  }
  return discarded;
}
