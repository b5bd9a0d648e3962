import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { PrismaClient } from '@prisma/client';
import { log } from '@/lib/log/logger';
import { ApiError } from '@/lib/api/errors';
import { avatarDir, partPath, sourcePath } from './avatar-files';
import { avatarNameSchema, speechRateSchema, voiceSchema } from './avatar-settings';
import { DEFAULT_FRAMING, framingSchema } from './framings';
import { STAGES } from './preparation-progress';
import { enqueuePreparation } from './preparation-queue';
import { validateUpload } from './validate-upload';

export interface CreateAvatarOptions {
  userId: string;
  name: string;
  /** The uploaded file: a portrait image (JPEG, PNG, WebP) or a video (MP4, WebM). */
  file?: Uint8Array;
  /** @deprecated The same as `file`, for callers from before video avatars. */
  image?: Uint8Array;
  dataDir: string;
  /** Largest accepted image, bytes. */
  maxBytes: number;
  /** Largest accepted video, bytes; default 100 MB. */
  maxVideoBytes?: number;
  /** Output framing id (lib/avatars/framings.ts); default square-512. */
  framing?: string;
  /** Voice id and speaking rate; defaults: the default voice at natural pace. */
  voice?: string;
  speechRate?: number | string;
  /** Resolve only once preparation has finished (scripts); the API returns at once. */
  waitForPreparation?: boolean;
}

/**
 * Validates the upload, stores it and the avatar row, and queues preparation. If any step
 * fails, nothing remains: no row and no file. The file is written beside its final name and
 * renamed, so a source file is always whole; a row whose upload a killed app never finished
 * is removed on the next start (discardInterruptedUploads).
 */
export async function createAvatar(prisma: PrismaClient, options: CreateAvatarOptions) {
  const name = avatarNameSchema.parse(options.name);
  const voice = voiceSchema.optional().parse(options.voice);
  const speechRate = speechRateSchema.optional().parse(options.speechRate);
  const framing = framingSchema.parse(options.framing ?? DEFAULT_FRAMING);
  const bytes = options.file ?? options.image;
  if (!bytes) {
    throw new ApiError(
      'unprocessable',
      'Missing file: attach a JPEG, PNG or WebP portrait, or an MP4 or WebM video.',
    );
  }
  const upload = await validateUpload(bytes, {
    maxImageBytes: options.maxBytes,
    maxVideoBytes: options.maxVideoBytes,
  });
  const avatar = await prisma.avatar.create({
    data: {
      userId: options.userId,
      name,
      voice,
      speechRate,
      framing,
      sourceType: upload.contentType,
      sourceKind: upload.kind,
      stage: STAGES.queued,
    },
  });
  const dir = avatarDir(options.dataDir, avatar.id);
  try {
    await mkdir(dir, { recursive: true });
    const source = sourcePath(options.dataDir, avatar.id, upload.extension);
    await writeFile(partPath(source), bytes);
    await rename(partPath(source), source);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    await prisma.avatar.delete({ where: { id: avatar.id } });
    throw error;
  }
  const prepared = enqueuePreparation({
    prisma,
    avatarId: avatar.id,
    dataDir: options.dataDir,
    extension: upload.extension,
    framing,
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
