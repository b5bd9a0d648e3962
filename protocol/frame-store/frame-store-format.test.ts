import { describe, expect, it } from 'vitest';
import {
  dataFileBytes,
  frameOffsetBytes,
  frameStoreManifestSchema,
  frameStrideBytes,
  type FrameStoreManifest,
} from './frame-store-format';
import type { FaceGeometry } from '../face-geometry';

function manifest(overrides: Partial<FrameStoreManifest> = {}): FrameStoreManifest {
  return {
    format: 'facecast-frames',
    version: 1,
    widthPx: 30,
    heightPx: 20,
    pixelFormat: 'rgba',
    frameCount: 3,
    fps: 25,
    frameBytes: 2400,
    dataFile: 'a.frames',
    dataBytes: 4096 * 4,
    headerBytes: 4096,
    checksum: { algorithm: 'sha256', value: 'ab'.repeat(32) },
    loop: 'pingpong',
    faces: [testFace()],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Any face the manifest schema accepts: 468 landmarks inside a box. */
function testFace(): FaceGeometry {
  return {
    box: { x: 10, y: 10, width: 100, height: 120 },
    landmarks: Array.from({ length: 468 }, (_, i): [number, number] => [
      10 + (i % 100),
      10 + i / 4,
    ]),
  };
}

describe('frame store layout', () => {
  it('starts every frame on a 4096-byte boundary after the header', () => {
    expect(frameStrideBytes(2400)).toBe(4096);
    expect(frameStrideBytes(4096)).toBe(4096);
    expect(frameStrideBytes(4097)).toBe(8192);
    const frameBytes = 512 * 512 * 4 + 4; // not a multiple of a page
    for (let i = 0; i < 5; i++) {
      expect(frameOffsetBytes(i, frameBytes) % 4096).toBe(0);
      expect(
        frameOffsetBytes(i + 1, frameBytes) - frameOffsetBytes(i, frameBytes),
      ).toBeGreaterThanOrEqual(frameBytes);
    }
    expect(frameOffsetBytes(0, 2400)).toBe(4096);
    expect(dataFileBytes(3, 2400)).toBe(4096 * 4);
  });
});

describe('frame store manifest schema', () => {
  it('accepts a consistent manifest', () => {
    expect(frameStoreManifestSchema.safeParse(manifest()).success).toBe(true);
    const faces = [testFace(), testFace(), testFace()];
    expect(frameStoreManifestSchema.safeParse(manifest({ faces })).success).toBe(true);
  });

  it('rejects sizes that disagree with the dimensions, and a wrong faces count', () => {
    const bad = [
      manifest({ frameBytes: 2401 }),
      manifest({ dataBytes: 4096 * 3 }),
      manifest({ faces: [testFace(), testFace()] }),
      manifest({ dataFile: '../etc/passwd' }),
      manifest({ checksum: { algorithm: 'sha256', value: 'nothex' } }),
    ];
    for (const m of bad) expect(frameStoreManifestSchema.safeParse(m).success).toBe(false);
  });
});
