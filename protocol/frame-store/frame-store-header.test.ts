import { describe, expect, it } from 'vitest';
import { FrameStoreError } from './frame-store-error';
import { FRAME_STORE_HEADER_BYTES } from './frame-store-format';
import {
  HEADER_OFFSET,
  decodeHeader,
  encodeHeader,
  type FrameStoreHeader,
} from './frame-store-header';

const header: FrameStoreHeader = {
  widthPx: 30,
  heightPx: 20,
  pixelFormat: 'rgba',
  frameCount: 7,
  frameBytes: 2400,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof FrameStoreError) return error.code;
    throw error;
  }
  return undefined;
}

describe('frame store header', () => {
  it('puts every field at its documented little-endian offset', () => {
    const bytes = encodeHeader(header);
    expect(bytes.byteLength).toBe(FRAME_STORE_HEADER_BYTES);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('FCFRAMES');
    const view = new DataView(bytes.buffer);
    const u32 = (offset: number) => view.getUint32(offset, true);
    expect(u32(8)).toBe(1);
    expect(u32(12)).toBe(4096);
    expect(u32(16)).toBe(30);
    expect(u32(20)).toBe(20);
    expect(u32(24)).toBe(1);
    expect(u32(28)).toBe(7);
    expect(u32(32)).toBe(2400);
    expect(u32(36)).toBe(4096);
    expect(bytes.subarray(HEADER_OFFSET.reserved).every((b) => b === 0)).toBe(true);
  });

  it('decodes what it encodes', () => {
    expect(decodeHeader(encodeHeader(header))).toEqual(header);
    const big = { ...header, widthPx: 1920, heightPx: 1080, frameBytes: 1920 * 1080 * 4 };
    expect(decodeHeader(encodeHeader(big))).toEqual(big);
  });

  it('calls a wrong magic corrupt and another version a version error', () => {
    const badMagic = encodeHeader(header);
    badMagic[0] = 'X'.charCodeAt(0);
    expect(codeOf(() => decodeHeader(badMagic))).toBe('corrupt');

    const v2 = encodeHeader(header);
    new DataView(v2.buffer).setUint32(HEADER_OFFSET.version, 2, true);
    expect(codeOf(() => decodeHeader(v2))).toBe('version');
  });

  it('calls an impossible layout or dirty reserved bytes corrupt', () => {
    const cases: Array<(view: DataView, bytes: Uint8Array) => void> = [
      (v) => v.setUint32(HEADER_OFFSET.frameBytes, 2399, true),
      (v) => v.setUint32(HEADER_OFFSET.frameStrideBytes, 2400, true),
      (v) => v.setUint32(HEADER_OFFSET.pixelFormat, 9, true),
      (v) => v.setUint32(HEADER_OFFSET.frameCount, 0, true),
      (v) => v.setUint32(HEADER_OFFSET.headerBytes, 8192, true),
      (_, b) => (b[4000] = 1),
    ];
    for (const damage of cases) {
      const bytes = encodeHeader(header);
      damage(new DataView(bytes.buffer), bytes);
      expect(codeOf(() => decodeHeader(bytes))).toBe('corrupt');
    }
    expect(codeOf(() => decodeHeader(new Uint8Array(100)))).toBe('corrupt');
  });
});
