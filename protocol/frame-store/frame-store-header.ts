/**
 * The fixed 4096-byte header at the start of a frame store data file. All integers are
 * unsigned 32-bit little-endian; bytes 40-4095 are reserved and must be zero.
 *
 * | offset | size | field                                       |
 * | ------ | ---- | ------------------------------------------- |
 * | 0      | 8    | magic, ASCII `FCFRAMES`                     |
 * | 8      | 4    | format version (1)                          |
 * | 12     | 4    | header size in bytes (4096)                 |
 * | 16     | 4    | frame width in px                           |
 * | 20     | 4    | frame height in px                          |
 * | 24     | 4    | pixel format code (1 = rgba)                |
 * | 28     | 4    | frame count                                 |
 * | 32     | 4    | bytes of pixel data per frame               |
 * | 36     | 4    | frame stride in bytes (a multiple of 4096)  |
 */
import { FrameStoreError } from './frame-store-error';
import {
  FRAME_STORE_HEADER_BYTES,
  FRAME_STORE_VERSION,
  PIXEL_FORMATS,
  frameStrideBytes,
  type PixelFormat,
} from './frame-store-format';

export const FRAME_STORE_MAGIC = 'FCFRAMES';

export const HEADER_OFFSET = {
  magic: 0,
  version: 8,
  headerBytes: 12,
  widthPx: 16,
  heightPx: 20,
  pixelFormat: 24,
  frameCount: 28,
  frameBytes: 32,
  frameStrideBytes: 36,
  reserved: 40,
} as const;

export interface FrameStoreHeader {
  widthPx: number;
  heightPx: number;
  pixelFormat: PixelFormat;
  frameCount: number;
  frameBytes: number;
}

const U32_MAX = 0xffff_ffff;

/** Encodes a version-1 header into a new 4096-byte buffer. */
export function encodeHeader(header: FrameStoreHeader): Uint8Array {
  const bytes = new Uint8Array(FRAME_STORE_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(FRAME_STORE_MAGIC), HEADER_OFFSET.magic);
  const u32 = (offset: number, value: number, field: string) => {
    if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
      throw new RangeError(`frame store header: ${field} ${value} does not fit in a u32`);
    }
    view.setUint32(offset, value, true);
  };
  u32(HEADER_OFFSET.version, FRAME_STORE_VERSION, 'version');
  u32(HEADER_OFFSET.headerBytes, FRAME_STORE_HEADER_BYTES, 'headerBytes');
  u32(HEADER_OFFSET.widthPx, header.widthPx, 'widthPx');
  u32(HEADER_OFFSET.heightPx, header.heightPx, 'heightPx');
  u32(HEADER_OFFSET.pixelFormat, PIXEL_FORMATS[header.pixelFormat].code, 'pixelFormat');
  u32(HEADER_OFFSET.frameCount, header.frameCount, 'frameCount');
  u32(HEADER_OFFSET.frameBytes, header.frameBytes, 'frameBytes');
  u32(HEADER_OFFSET.frameStrideBytes, frameStrideBytes(header.frameBytes), 'frameStrideBytes');
  return bytes;
}

/**
 * Decodes and checks a header. Throws FrameStoreError: 'corrupt' for a bad magic, an
 * impossible layout or non-zero reserved bytes, 'version' for a version other than 1.
 */
export function decodeHeader(bytes: Uint8Array): FrameStoreHeader {
  if (bytes.byteLength < FRAME_STORE_HEADER_BYTES) {
    throw new FrameStoreError(
      'corrupt',
      `frame store header is ${bytes.byteLength} bytes, expected ${FRAME_STORE_HEADER_BYTES}`,
    );
  }
  const magic = String.fromCharCode(...bytes.subarray(0, FRAME_STORE_MAGIC.length));
  if (magic !== FRAME_STORE_MAGIC) {
    throw new FrameStoreError('corrupt', `frame store magic is ${JSON.stringify(magic)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_STORE_HEADER_BYTES);
  const u32 = (offset: number) => view.getUint32(offset, true);
  const version = u32(HEADER_OFFSET.version);
  if (version !== FRAME_STORE_VERSION) {
    throw new FrameStoreError(
      'version',
      `frame store data file is format version ${version}, this reader reads ${FRAME_STORE_VERSION}`,
    );
  }
  const corrupt = (message: string) =>
    new FrameStoreError('corrupt', `frame store header: ${message}`);
  if (u32(HEADER_OFFSET.headerBytes) !== FRAME_STORE_HEADER_BYTES) {
    throw corrupt(`header size ${u32(HEADER_OFFSET.headerBytes)}`);
  }
  const code = u32(HEADER_OFFSET.pixelFormat);
  const pixelFormat = (Object.keys(PIXEL_FORMATS) as PixelFormat[]).find(
    (format) => PIXEL_FORMATS[format].code === code,
  );
  if (pixelFormat === undefined) throw corrupt(`unknown pixel format code ${code}`);
  const header: FrameStoreHeader = {
    widthPx: u32(HEADER_OFFSET.widthPx),
    heightPx: u32(HEADER_OFFSET.heightPx),
    pixelFormat,
    frameCount: u32(HEADER_OFFSET.frameCount),
    frameBytes: u32(HEADER_OFFSET.frameBytes),
  };
  const expectedFrameBytes = PIXEL_FORMATS[pixelFormat].frameBytes(header.widthPx, header.heightPx);
  if (header.frameBytes !== expectedFrameBytes || header.frameBytes === 0) {
    throw corrupt(`frame bytes ${header.frameBytes} for ${header.widthPx}x${header.heightPx}`);
  }
  if (u32(HEADER_OFFSET.frameStrideBytes) !== frameStrideBytes(header.frameBytes)) {
    throw corrupt(`frame stride ${u32(HEADER_OFFSET.frameStrideBytes)}`);
  }
  if (header.frameCount === 0) throw corrupt('no frames');
  if (bytes.subarray(HEADER_OFFSET.reserved, FRAME_STORE_HEADER_BYTES).some((b) => b !== 0)) {
    throw corrupt('reserved bytes are not zero');
  }
  return header;
}
