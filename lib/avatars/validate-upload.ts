/**
 * Checks an upload before anything is stored: real type from its bytes (never its name),
 * size limit per kind (images and videos differ), and that it can be read: images decode
 * completely; videos have a picture, are at most 60 s long and ffprobe can parse them.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { AvatarPreparationError, MAX_VIDEO_SECONDS } from './preparation-error';
import { ACCEPTED_MEDIA, sniffMedia, type MediaType, type SourceKind } from './sniff-media';
import { MAX_VIDEO_BYTES } from './upload-limits';
import { validateImage } from './validate-image';
import { MissingFfmpegError, probeVideo } from './video-tools';

export { MAX_VIDEO_BYTES } from './upload-limits';

export interface UploadLimits {
  /** Largest image, bytes (MAX_UPLOAD_MB). */
  maxImageBytes: number;
  /** Largest video, bytes; default MAX_VIDEO_BYTES. */
  maxVideoBytes?: number;
}

export interface ValidUpload {
  contentType: MediaType;
  extension: string;
  kind: SourceKind;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export function uploadTooLarge(kind: SourceKind | 'file', maxBytes: number): ApiError {
  const what =
    kind === 'video'
      ? 'Trim or compress it (an MP4 or WebM of 10 seconds is plenty), or upload a portrait photo.'
      : kind === 'image'
        ? 'Upload a smaller JPEG, PNG or WebP.'
        : 'Upload a smaller portrait photo or video.';
  const noun = kind === 'file' ? 'upload' : kind;
  return new ApiError(
    'payload_too_large',
    `The ${noun} is larger than ${mb(maxBytes)} MB. ${what}`,
  );
}

/** The refusal of a video as an API error (422), with the reason preparation would give. */
function videoRefusal(error: AvatarPreparationError): ApiError {
  return new ApiError('unprocessable', error.reason);
}

async function validateVideo(bytes: Uint8Array, extension: string): Promise<void> {
  const file = path.join(tmpdir(), `facecast-upload-${randomUUID()}.${extension}`);
  try {
    await writeFile(file, bytes);
    const info = await probeVideo(file);
    if (info.durationS > MAX_VIDEO_SECONDS + 0.5) {
      throw new AvatarPreparationError('video_too_long', { detail: `${info.durationS} s` });
    }
  } catch (error) {
    if (error instanceof AvatarPreparationError) throw videoRefusal(error);
    if (error instanceof MissingFfmpegError) throw new ApiError('unavailable', error.message);
    throw error;
  } finally {
    await rm(file, { force: true });
  }
}

/** Validates an upload; throws ApiError 413, 415, 422 (or 503 without ffprobe) otherwise. */
export async function validateUpload(
  bytes: Uint8Array,
  limits: UploadLimits,
): Promise<ValidUpload> {
  const maxVideoBytes = limits.maxVideoBytes ?? MAX_VIDEO_BYTES;
  if (bytes.length === 0) {
    throw new ApiError(
      'unprocessable',
      'The file is empty. Choose a JPEG, PNG or WebP portrait, or an MP4 or WebM video.',
    );
  }
  const contentType = sniffMedia(bytes);
  if (!contentType) {
    if (bytes.length > Math.max(limits.maxImageBytes, maxVideoBytes)) {
      throw uploadTooLarge('file', Math.max(limits.maxImageBytes, maxVideoBytes));
    }
    throw new ApiError(
      'unsupported_media_type',
      'This file is not a JPEG, PNG or WebP image, nor an MP4 or WebM video. Upload a portrait photo or a short video in one of those formats.',
    );
  }
  const { kind, extension } = ACCEPTED_MEDIA[contentType];
  if (kind === 'image') {
    const image = await validateImage(bytes, limits.maxImageBytes);
    return { contentType: image.contentType, extension, kind };
  }
  if (bytes.length > maxVideoBytes) throw uploadTooLarge('video', maxVideoBytes);
  await validateVideo(bytes, extension);
  return { contentType, extension, kind };
}
