/**
 * The avatar frame store format, version 1: `<name>.frames` (a 4096-byte header, then raw
 * frames, each at a 4096-byte-aligned offset) plus `<name>.json` (the manifest below).
 * Page-aligned frames let many processes map one file read-only and view frames in place.
 * docs/frame-store.md describes the format and the rules for writing and reading it.
 */
import { z } from 'zod';
import { faceGeometrySchema } from '../face-geometry';
import { avatarAppearanceSchema } from '../appearance/avatar-appearance';

export const FRAME_STORE_FORMAT = 'facecast-frames';
export const FRAME_STORE_VERSION = 1;
/** Size of the data file header and the alignment of every frame, in bytes (one page). */
export const FRAME_STORE_ALIGN_BYTES = 4096;
export const FRAME_STORE_HEADER_BYTES = FRAME_STORE_ALIGN_BYTES;

/**
 * Pixel formats and their numeric code in the header. Only RGBA is written today; I420
 * (planar YUV 4:2:0, what WebRTC encoders take) is planned and would be one entry here.
 */
export const PIXEL_FORMATS = {
  rgba: { code: 1, frameBytes: (widthPx: number, heightPx: number) => widthPx * heightPx * 4 },
} as const;
export type PixelFormat = keyof typeof PIXEL_FORMATS;
export const pixelFormatSchema = z.enum(['rgba']);

export const frameLoopSchema = z.enum(['pingpong', 'forward']);
/** How playback continues past the last frame: back down to the first, or wrap to frame 0. */
export type FrameLoop = z.infer<typeof frameLoopSchema>;

/** Store names become file names, so they are kept to a safe, portable alphabet. */
export const frameStoreNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_", "-"; max 128');

export function alignUp(bytes: number, alignBytes = FRAME_STORE_ALIGN_BYTES): number {
  return Math.ceil(bytes / alignBytes) * alignBytes;
}

/** Distance between the starts of two consecutive frames in the data file, in bytes. */
export function frameStrideBytes(frameBytes: number): number {
  return alignUp(frameBytes);
}

/** Byte offset of frame `index` in the data file. */
export function frameOffsetBytes(index: number, frameBytes: number): number {
  return FRAME_STORE_HEADER_BYTES + index * frameStrideBytes(frameBytes);
}

/** Total length of a data file holding `frameCount` frames; the last frame is padded too. */
export function dataFileBytes(frameCount: number, frameBytes: number): number {
  return frameOffsetBytes(frameCount, frameBytes);
}

export function manifestFileName(name: string): string {
  return `${name}.json`;
}

export function dataFileName(name: string): string {
  return `${name}.frames`;
}

const positiveInt = z.number().int().positive();

export const frameStoreManifestSchema = z
  .object({
    format: z.literal(FRAME_STORE_FORMAT),
    version: z.literal(FRAME_STORE_VERSION),
    widthPx: positiveInt,
    heightPx: positiveInt,
    pixelFormat: pixelFormatSchema,
    frameCount: positiveInt,
    /** Playback rate the frames were prepared for, in frames per second. */
    fps: z.number().positive().finite(),
    /** Bytes of pixel data in one frame (without alignment padding). */
    frameBytes: positiveInt,
    /** Data file name, relative to the manifest's directory; never a path. */
    dataFile: frameStoreNameSchema,
    /** Length of the data file, in bytes. */
    dataBytes: positiveInt,
    headerBytes: z.literal(FRAME_STORE_HEADER_BYTES),
    /** Covers the data file from `headerBytes` to its end: frames and their padding. */
    checksum: z.object({
      algorithm: z.literal('sha256'),
      value: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    loop: frameLoopSchema,
    /** Face geometry per frame, or one entry shared by all frames (a still). */
    faces: z.array(faceGeometrySchema).min(1),
    /** What preparation measured on frame 0 for the renderer (protocol/appearance/avatar-appearance.ts). */
    appearance: avatarAppearanceSchema.optional(),
    /** ISO 8601 time the store was written. */
    createdAt: z.string().datetime(),
  })
  .superRefine((m, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    const expectedFrameBytes = PIXEL_FORMATS[m.pixelFormat].frameBytes(m.widthPx, m.heightPx);
    if (m.frameBytes !== expectedFrameBytes) {
      issue(`frameBytes ${m.frameBytes} != ${expectedFrameBytes} for ${m.pixelFormat}`);
    }
    const expectedDataBytes = dataFileBytes(m.frameCount, m.frameBytes);
    if (m.dataBytes !== expectedDataBytes) {
      issue(`dataBytes ${m.dataBytes} != ${expectedDataBytes} for ${m.frameCount} frames`);
    }
    if (m.faces.length !== 1 && m.faces.length !== m.frameCount) {
      issue(`faces has ${m.faces.length} entries, expected 1 or frameCount (${m.frameCount})`);
    }
  });
export type FrameStoreManifest = z.infer<typeof frameStoreManifestSchema>;
