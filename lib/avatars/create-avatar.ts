import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { PrismaClient } from '@prisma/client';
import { log } from '@/lib/log/logger';
import { avatarDir, sourcePath } from './avatar-files';
import { avatarNameSchema, speechRateSchema, voiceSchema } from './avatar-settings';
import { enqueuePreparation } from './preparation-queue';
import { validateImage } from './validate-image';

export interface CreateAvatarOptions {
  userId: string;
  name: string;
  image: Uint8Array;
  dataDir: string;
  maxBytes: number;
  /** Voice id and speaking rate; defaults: the default voice at natural pace. */
  voice?: string;
  speechRate?: number | string;
  /** Resolve only once preparation has finished (scripts); the API returns at once. */
  waitForPreparation?: boolean;
}

/**
 * Validates the portrait, stores it and the avatar row, and queues face preparation. If any
 * step fails, nothing remains: no row and no file.
 */
export async function createAvatar(prisma: PrismaClient, options: CreateAvatarOptions) {
  const name = avatarNameSchema.parse(options.name);
  const voice = voiceSchema.optional().parse(options.voice);
  const speechRate = speechRateSchema.optional().parse(options.speechRate);
  const image = await validateImage(options.image, options.maxBytes);
  const avatar = await prisma.avatar.create({
    data: { userId: options.userId, name, voice, speechRate, sourceType: image.contentType },
  });
  const dir = avatarDir(options.dataDir, avatar.id);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(sourcePath(options.dataDir, avatar.id, image.extension), options.image);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    await prisma.avatar.delete({ where: { id: avatar.id } });
    throw error;
  }
  const prepared = enqueuePreparation({
    prisma,
    avatarId: avatar.id,
    dataDir: options.dataDir,
    extension: image.extension,
  });
  if (options.waitForPreparation) {
    await prepared;
    return prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
  }
  prepared.catch((error: unknown) =>
    log.error({ err: error, avatarId: avatar.id }, 'preparation failed'),
  );
  return avatar;
}
