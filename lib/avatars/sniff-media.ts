/**
 * The real type of an uploaded file, from its first bytes (never from its name or the
 * browser's claim).
 */

export const ACCEPTED_MEDIA = {
  'image/jpeg': { extension: 'jpg', kind: 'image' },
  'image/png': { extension: 'png', kind: 'image' },
  'image/webp': { extension: 'webp', kind: 'image' },
  'video/mp4': { extension: 'mp4', kind: 'video' },
  'video/webm': { extension: 'webm', kind: 'video' },
} as const;

export type MediaType = keyof typeof ACCEPTED_MEDIA;
export type SourceKind = 'image' | 'video';

// ISO BMFF brands that are still images (HEIF/AVIF), not videos.
const STILL_IMAGE_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, to));

/**
 * Detects JPEG, PNG, WebP, MP4 (any ISO base media file: mp4, m4v, mov) and WebM from the
 * first bytes; null for anything else (including HEIC/AVIF stills and Matroska that is not
 * WebM).
 */
export function sniffMedia(bytes: Uint8Array): MediaType | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12).trim();
    return STILL_IMAGE_BRANDS.has(brand) ? null : 'video/mp4';
  }
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    // EBML: the DocType element (0x42 0x82) names "webm" within the first bytes.
    return ascii(bytes, 0, Math.min(bytes.length, 64)).includes('webm') ? 'video/webm' : null;
  }
  return null;
}

/** Extension of the stored source file for a content type saved in Avatar.sourceType. */
export function sourceExtension(contentType: string): string {
  return contentType in ACCEPTED_MEDIA ? ACCEPTED_MEDIA[contentType as MediaType].extension : 'jpg';
}
