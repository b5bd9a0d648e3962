import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { detectFaces } from '../faces/detect-faces';
import { loadDemoPortrait, loadNoFaceImage } from './demo-portrait';

describe('demo images', () => {
  it('the demo portrait is a JPEG of one person large enough to prepare', async () => {
    const portrait = await loadDemoPortrait();
    const meta = await sharp(portrait).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.min(meta.width ?? 0, meta.height ?? 0)).toBeGreaterThanOrEqual(700);
    const { data, info } = await sharp(portrait)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const faces = await detectFaces({ data, width: info.width, height: info.height });
    expect(faces).toHaveLength(1);
    expect(faces[0]?.box.width).toBeGreaterThan(150);
  });

  it('the no-face image is a deterministic PNG', async () => {
    const [a, b] = await Promise.all([loadNoFaceImage(), loadNoFaceImage()]);
    expect(a.equals(b)).toBe(true);
    const meta = await sharp(a).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 640, height: 480 });
  });
});
