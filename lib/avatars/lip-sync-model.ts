/**
 * An avatar's own ONNX lip-sync model (Wav2Lip-compatible): stored as
 * `<dataDir>/avatars/<id>/lipsync.onnx`, checked with onnxruntime before it replaces the
 * previous one, and described in Avatar.lipSyncModel / lipSyncConfig for the worker.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Prisma, type PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { ApiError, isDiskFull, notFound } from '@/lib/api/errors';
import { lipSyncModelSchema } from '@/protocol/lip-sync/lip-sync-model';
import type { ResolvedInterface } from '@/protocol/lip-sync/model-interface';
import { avatarDir } from './avatar-files';
import { inspectLipSyncModel, type ModelCheckLimits } from './inspect-lip-sync-model';

/** Largest accepted model, bytes (500 MB; Wav2Lip GAN exports are ~140 MB). */
export const MAX_LIP_SYNC_MODEL_BYTES = 500 * 1024 * 1024;
export const LIP_SYNC_FILE_NAME = 'lipsync.onnx';

/** Settings sent with an upload (query string or form fields, so numbers arrive as text). */
export const lipSyncSettingsSchema = z.object({
  melInput: z.string().trim().min(1).max(200).optional(),
  faceInput: z.string().trim().min(1).max(200).optional(),
  channelOrder: lipSyncModelSchema.shape.channelOrder,
  batchSize: z.coerce.number().pipe(lipSyncModelSchema.shape.batchSize.removeDefault()).default(4),
});
export type LipSyncSettings = z.infer<typeof lipSyncSettingsSchema>;

/** What lipSyncConfig holds: the settings plus what the check found. */
export interface LipSyncConfig extends LipSyncSettings {
  resolved: ResolvedInterface;
  sizeBytes: number;
  uploadedAt: string;
}

export type LipSyncModelView = { configured: false } | ({ configured: true } & LipSyncConfig);

export function lipSyncModelView(avatar: {
  lipSyncModel: string | null;
  lipSyncConfig: Prisma.JsonValue;
}): LipSyncModelView {
  if (!avatar.lipSyncModel || !avatar.lipSyncConfig) return { configured: false };
  return { configured: true, ...(avatar.lipSyncConfig as unknown as LipSyncConfig) };
}

export const tooLarge = () =>
  new ApiError(
    'payload_too_large',
    `The lip-sync model is larger than ${MAX_LIP_SYNC_MODEL_BYTES / 1024 / 1024} MB. Export a smaller model (Wav2Lip is about 140 MB; float16 halves it).`,
  );

/** Writes a stream to `file`, refusing (and deleting it) past `maxBytes`. */
async function writeLimited(
  body: ReadableStream<Uint8Array>,
  file: string,
  maxBytes: number,
): Promise<number> {
  let bytes = 0;
  const handle = await open(file, 'w');
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) throw tooLarge();
      // write() may write less than asked (a nearly full disk); the next call then fails.
      for (let at = 0; at < value.byteLength;) {
        at += (await handle.write(value, at, value.byteLength - at)).bytesWritten;
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await handle.close();
    await rm(file, { force: true });
    if (error instanceof ApiError || isDiskFull(error)) throw error; // a full disk is a 507
    throw new ApiError('bad_request', 'The upload did not complete. Send the model again.');
  }
  await handle.close();
  return bytes;
}

async function ownedAvatar(prisma: PrismaClient, userId: string, avatarId: string) {
  const avatar = await prisma.avatar.findFirst({ where: { id: avatarId, userId } });
  if (!avatar) throw notFound('Avatar');
  return avatar;
}

export interface SaveLipSyncModelOptions {
  userId: string;
  avatarId: string;
  dataDir: string;
  body: ReadableStream<Uint8Array>;
  settings: LipSyncSettings;
  maxBytes?: number;
  /** The model check's memory and time (tests lower them). */
  checkLimits?: ModelCheckLimits;
}

/**
 * Stores and checks an upload, then replaces the avatar's model: a refused upload leaves the
 * previous model in place. Sessions started afterwards use the new model.
 */
export async function saveLipSyncModel(
  prisma: PrismaClient,
  options: SaveLipSyncModelOptions,
): Promise<LipSyncModelView> {
  const avatar = await ownedAvatar(prisma, options.userId, options.avatarId);
  const dir = avatarDir(options.dataDir, avatar.id);
  await mkdir(dir, { recursive: true });
  const upload = path.join(dir, `${LIP_SYNC_FILE_NAME}.upload-${randomBytes(4).toString('hex')}`);
  const sizeBytes = await writeLimited(
    options.body,
    upload,
    options.maxBytes ?? MAX_LIP_SYNC_MODEL_BYTES,
  );
  try {
    if (sizeBytes === 0) {
      throw new ApiError(
        'unprocessable',
        'The upload is empty. Send the .onnx file as the request body (application/octet-stream) or in the multipart field "model".',
      );
    }
    const resolved = await inspectLipSyncModel(upload, options.settings, options.checkLimits);
    const final = path.join(dir, LIP_SYNC_FILE_NAME);
    await rename(upload, final);
    const config: LipSyncConfig = {
      ...options.settings,
      resolved,
      sizeBytes,
      uploadedAt: new Date().toISOString(),
    };
    const updated = await prisma.avatar.update({
      where: { id: avatar.id },
      data: {
        lipSyncModel: path.relative(options.dataDir, final),
        lipSyncConfig: config as unknown as Prisma.InputJsonValue,
      },
    });
    return lipSyncModelView(updated);
  } finally {
    await rm(upload, { force: true });
  }
}

/** Removes the avatar's model (file and settings); sessions fall back to the built-in renderer. */
export async function removeLipSyncModel(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string; dataDir: string },
): Promise<void> {
  const avatar = await ownedAvatar(prisma, options.userId, options.avatarId);
  await prisma.avatar.update({
    where: { id: avatar.id },
    data: { lipSyncModel: null, lipSyncConfig: Prisma.DbNull },
  });
  await rm(path.join(avatarDir(options.dataDir, avatar.id), LIP_SYNC_FILE_NAME), { force: true });
}

/** The avatar's model settings, 404 for someone else's avatar. */
export async function getLipSyncModel(
  prisma: PrismaClient,
  options: { userId: string; avatarId: string; dataDir: string },
): Promise<LipSyncModelView & { fileMissing?: true }> {
  const avatar = await ownedAvatar(prisma, options.userId, options.avatarId);
  const view = lipSyncModelView(avatar);
  if (!view.configured || !avatar.lipSyncModel) return view;
  const present = await stat(path.resolve(options.dataDir, avatar.lipSyncModel)).then(
    () => true,
    () => false,
  );
  return present ? view : { ...view, fileMissing: true };
}
