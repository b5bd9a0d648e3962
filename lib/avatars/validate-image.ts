/**
 * Checks an uploaded portrait before anything is stored: size, real file type (from its
 * bytes, not its name), and that it decodes completely (truncated files are refused).
 */
import sharp from 'sharp';
import { ApiError } from '@/lib/api/errors';
import { sniffMedia } from './sniff-media';
import { MAX_IMAGE_PIXELS } from './upload-limits';

export const ACCEPTED_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;

export type AcceptedType = keyof typeof ACCEPTED_TYPES;

/** Detects JPEG, PNG or WebP from magic bytes; null for anything else (videos included). */
export function sniffImageType(bytes: Uint8Array): AcceptedType | null {
  const type = sniffMedia(bytes);
  return type !== null && type in ACCEPTED_TYPES ? (type as AcceptedType) : null;
}

export interface ValidImage {
  contentType: AcceptedType;
  extension: string;
  widthPx: number;
  heightPx: number;
}

export function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'payload_too_large',
    `The image is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Upload a smaller JPEG, PNG or WebP.`,
  );
}

/** Refuses a picture over MAX_IMAGE_PIXELS from its header alone, before any decoding. */
async function refuseHugePicture(bytes: Uint8Array): Promise<void> {
  let widthPx = 0;
  let heightPx = 0;
  try {
    // Reading the header decodes no pixels; without `limitInputPixels: false` libvips refuses
    // the header of a picture over its own default limit (268 MP) as unreadable, and the
    // refusal below, which names the size and the limit, would never be reached.
    ({ width: widthPx = 0, height: heightPx = 0 } = await sharp(bytes, {
      limitInputPixels: false,
    }).metadata());
  } catch {
    return; // an unreadable header is reported by the decode below
  }
  if (widthPx * heightPx <= MAX_IMAGE_PIXELS) return;
  throw new ApiError(
    'unprocessable',
    `The image is ${widthPx} × ${heightPx} pixels; the largest accepted is ${MAX_IMAGE_PIXELS / 1_000_000} megapixels. Scale it down (2000 pixels on the long side is plenty for a portrait) and upload it again.`,
  );
}

export async function validateImage(bytes: Uint8Array, maxBytes: number): Promise<ValidImage> {
  if (bytes.length === 0) {
    throw new ApiError(
      'unprocessable',
      'The image file is empty. Choose a JPEG, PNG or WebP portrait.',
    );
  }
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  const contentType = sniffImageType(bytes);
  if (!contentType) {
    throw new ApiError(
      'unsupported_media_type',
      'This file is not a JPEG, PNG or WebP image. Upload a portrait photo in one of those formats.',
    );
  }
  await refuseHugePicture(bytes);
  try {
    // failOn 'truncated' catches cut-off files that would otherwise decode as half grey.
    const { info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      contentType,
      extension: ACCEPTED_TYPES[contentType],
      widthPx: info.width,
      heightPx: info.height,
    };
  } catch {
    throw new ApiError(
      'unprocessable',
      'The image could not be read: the file looks incomplete or corrupt. Export it again and retry.',
    );
  }
}
