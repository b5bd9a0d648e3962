import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDemoPortrait, loadNoFaceImage } from '../avatars/demo-portrait';
import {
  FACE_MESH_POINT_COUNT,
  detectFaces,
  loadFaceDetector,
  type RgbaImage,
} from './detect-faces';

async function decodeRgba(encoded: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(encoded)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('detectFaces', () => {
  it('loads the models from node_modules once per process', async () => {
    const first = await loadFaceDetector();
    const second = await loadFaceDetector();
    expect(first.loadMs).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('finds exactly one face with 468 landmarks inside the demo portrait', async () => {
    const image = await decodeRgba(await loadDemoPortrait());
    const startedAt = performance.now();
    const faces = await detectFaces(image);
    const detectMs = performance.now() - startedAt;
    console.info(`detectFaces ${image.width}×${image.height}: ${detectMs.toFixed(0)} ms`);

    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face?.score).toBeGreaterThan(0.8);
    expect(face?.landmarks).toHaveLength(FACE_MESH_POINT_COUNT);
    for (const [x, y] of face?.landmarks ?? []) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(image.width);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThan(image.height);
    }
    // The box is the landmarks' bounding box: every point lies on or inside it.
    const box = face?.box ?? { x: 0, y: 0, width: 0, height: 0 };
    expect(box.width).toBeGreaterThan(150);
    for (const [x, y] of face?.landmarks ?? []) {
      expect(x).toBeGreaterThanOrEqual(box.x);
      expect(x).toBeLessThanOrEqual(box.x + box.width);
      expect(y).toBeGreaterThanOrEqual(box.y);
      expect(y).toBeLessThanOrEqual(box.y + box.height);
    }
  });

  it('finds the face again, moved, when the image is shifted (no result is reused between calls)', async () => {
    const portrait = await loadDemoPortrait();
    const shifted = await sharp(portrait).extend({ left: 200, background: '#000000' }).toBuffer();
    const [a] = await detectFaces(await decodeRgba(portrait));
    const [b] = await detectFaces(await decodeRgba(shifted));
    expect((b?.box.x ?? 0) - (a?.box.x ?? 0)).toBeGreaterThan(190);
    expect((b?.box.x ?? 0) - (a?.box.x ?? 0)).toBeLessThan(210);
  });

  it('finds no face in a generated landscape', async () => {
    expect(await detectFaces(await decodeRgba(await loadNoFaceImage()))).toEqual([]);
  });

  it('rejects a buffer that does not match the stated size', async () => {
    await expect(detectFaces({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toThrow(
      RangeError,
    );
  });
});
