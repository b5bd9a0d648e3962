import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceGeometrySchema } from '@/protocol/face-geometry';
import { detectFaces } from '../faces/detect-faces';
import { openFrameStore } from '@/protocol/frame-store/read-frame-store';
import { loadDemoPortrait, loadNoFaceImage } from './demo-portrait';
import { AvatarPreparationError, preparePortrait, type PreparedPortrait } from './prepare-portrait';
import { makeTurnedFaceImage, makeTwoFacesImage } from '../testing/test-media';

// FaceMesh indices: inner upper/lower lip, upper eyelids, eye corners.
const UPPER_LIP = 13;
const LOWER_LIP = 14;
const RIGHT_EYE_LID = 159;
const LEFT_EYE_LID = 386;

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'facecast-prepare-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function point(prepared: PreparedPortrait, index: number): [number, number] {
  const p = prepared.face.landmarks[index];
  if (!p) throw new Error(`no landmark ${index}`);
  return p;
}

async function expectRefusal(
  input: Buffer,
  code: AvatarPreparationError['code'],
): Promise<AvatarPreparationError> {
  const outDir = path.join(workDir, `refused-${code}-${Math.random().toString(36).slice(2)}`);
  const error = await preparePortrait({ input, outDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AvatarPreparationError);
  const refusal = error as AvatarPreparationError;
  expect(refusal.code).toBe(code);
  expect(refusal.reason.length).toBeGreaterThan(20);
  // Nothing is written for a refused portrait.
  await expect(stat(outDir)).rejects.toThrow();
  return refusal;
}

describe('preparePortrait', () => {
  it('frames the demo portrait as a 512×512 head-and-shoulders PNG with exact landmarks', async () => {
    const outDir = path.join(workDir, 'demo');
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir });

    expect(prepared).toMatchObject({
      framePath: path.join(outDir, 'frame.png'),
      widthPx: 512,
      heightPx: 512,
    });
    expect(faceGeometrySchema.safeParse(prepared.face).success).toBe(true);
    const meta = await sharp(prepared.framePath).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 512, height: 512 });

    // face.json holds the same geometry as the return value.
    const json = JSON.parse(await readFile(path.join(outDir, 'face.json'), 'utf8')) as unknown;
    expect(json).toEqual({ widthPx: 512, heightPx: 512, face: prepared.face });

    for (const [x, y] of prepared.face.landmarks) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(512);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThan(512);
    }
    // Upright face: the mouth is below both eyes, the eyes sit side by side.
    const mouthY = Math.min(point(prepared, UPPER_LIP)[1], point(prepared, LOWER_LIP)[1]);
    const eyeY = Math.max(point(prepared, RIGHT_EYE_LID)[1], point(prepared, LEFT_EYE_LID)[1]);
    expect(mouthY - eyeY).toBeGreaterThan(60);
    expect(
      Math.abs(point(prepared, RIGHT_EYE_LID)[1] - point(prepared, LEFT_EYE_LID)[1]),
    ).toBeLessThan(20);
    // Framing: face about 45 % of the width, centred, eyes about 40 % from the top.
    expect(prepared.face.box.width / 512).toBeGreaterThan(0.38);
    expect(prepared.face.box.width / 512).toBeLessThan(0.52);
    const faceCentreX = prepared.face.box.x + prepared.face.box.width / 2;
    expect(Math.abs(faceCentreX - 256)).toBeLessThan(40);
    const eyeLineY =
      (point(prepared, 33)[1] +
        point(prepared, 133)[1] +
        point(prepared, 362)[1] +
        point(prepared, 263)[1]) /
      4;
    expect(eyeLineY / 512).toBeGreaterThan(0.36);
    expect(eyeLineY / 512).toBeLessThan(0.44);

    // The landmarks describe the written file: detecting on it again finds the same face.
    const { data, info } = await sharp(prepared.framePath)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const again = await detectFaces({ data, width: info.width, height: info.height });
    expect(again).toHaveLength(1);
    expect(Math.abs((again[0]?.box.x ?? 0) - prepared.face.box.x)).toBeLessThan(3);
    expect(Math.abs((again[0]?.box.y ?? 0) - prepared.face.box.y)).toBeLessThan(3);
  });

  it('honours sizePx', async () => {
    const prepared = await preparePortrait({
      input: await loadDemoPortrait(),
      outDir: path.join(workDir, 'size-256'),
      sizePx: 256,
    });
    expect(prepared).toMatchObject({ widthPx: 256, heightPx: 256 });
    expect(await sharp(prepared.framePath).metadata()).toMatchObject({ width: 256, height: 256 });
    expect(prepared.face.box.width).toBeGreaterThan(256 * 0.38);
  });

  it('applies the EXIF orientation before framing', async () => {
    // Pixels stored rotated 90° clockwise, with EXIF orientation 8 telling viewers to undo it.
    const rotated = await sharp(await loadDemoPortrait())
      .rotate(90)
      .withMetadata({ orientation: 8 })
      .jpeg()
      .toBuffer();
    const prepared = await preparePortrait({ input: rotated, outDir: path.join(workDir, 'exif') });
    expect(point(prepared, UPPER_LIP)[1] - point(prepared, RIGHT_EYE_LID)[1]).toBeGreaterThan(60);
  });

  it('fills the frame when the face sits at the edge of the photo', async () => {
    // Cut the portrait just above the hairline and left of the face: the frame must be padded.
    const input = await sharp(await loadDemoPortrait())
      .extract({ left: 190, top: 170, width: 553, height: 700 })
      .jpeg()
      .toBuffer();
    const prepared = await preparePortrait({ input, outDir: path.join(workDir, 'edge') });
    expect(prepared.face.landmarks).toHaveLength(468);
    const { data, info } = await sharp(prepared.framePath)
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    // The padded top-left corner is filled with image colours, not left black or transparent.
    const corner = [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0];
    expect(Math.max(...corner)).toBeGreaterThan(40);
  });

  it('refuses an image without a face', async () => {
    const refusal = await expectRefusal(await loadNoFaceImage(), 'no_face');
    expect(refusal.reason).toBe(
      'No face was found in this image. Upload a clear, front-facing portrait.',
    );
  });

  it('refuses a truncated JPEG and bytes that are no image', async () => {
    const jpeg = await loadDemoPortrait();
    await expectRefusal(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'unreadable_image');
    await expectRefusal(Buffer.from('this is not an image at all'), 'unreadable_image');
  });

  it('refuses a face smaller than 96 px', async () => {
    const tiny = await sharp(await loadDemoPortrait())
      .resize({ width: 120 })
      .toBuffer();
    const input = await sharp({
      create: { width: 800, height: 800, channels: 3, background: '#778899' },
    })
      .composite([{ input: tiny, left: 340, top: 300 }])
      .png()
      .toBuffer();
    await expectRefusal(input, 'face_too_small');
  });

  it('refuses two people of comparable size', async () => {
    const refusal = await expectRefusal(await makeTwoFacesImage(), 'multiple_faces');
    expect(refusal.reason).toMatch(/exactly one person/);
  });

  it('refuses a face turned far from the camera', async () => {
    const refusal = await expectRefusal(await makeTurnedFaceImage(-50), 'face_turned');
    expect(refusal.reason).toMatch(/looking into the camera/);
  });

  it.each([
    ['square-720', 720, 720],
    ['wide-720p', 1280, 720],
  ] as const)(
    'frames %s with the face centred, eyes at 40 %% and the same head size per height',
    async (framing, width, height) => {
      const prepared = await preparePortrait({
        input: await loadDemoPortrait(),
        outDir: path.join(workDir, framing),
        framing,
      });
      expect([prepared.widthPx, prepared.heightPx]).toEqual([width, height]);
      expect(await sharp(prepared.framePath).metadata()).toMatchObject({ width, height });
      const eyes = [33, 133, 362, 263].map((index) => point(prepared, index));
      const eyeX = eyes.reduce((sum, [x]) => sum + x, 0) / 4;
      const eyeY = eyes.reduce((sum, [, y]) => sum + y, 0) / 4;
      expect(Math.abs(eyeX - width / 2)).toBeLessThan(width * 0.03);
      expect(Math.abs(eyeY - height * 0.4)).toBeLessThan(height * 0.03);
      expect(prepared.face.box.width / height).toBeGreaterThan(0.4);
      expect(prepared.face.box.width / height).toBeLessThan(0.5);
    },
  );

  it('writes a one-frame store whose frame is the poster and whose face is the result', async () => {
    const outDir = path.join(workDir, 'store');
    const prepared = await preparePortrait({ input: await loadDemoPortrait(), outDir });
    expect(prepared).toMatchObject({ storeDir: path.join(outDir, 'store'), storeName: 'frames' });
    const store = await openFrameStore(path.join(outDir, 'store'), 'frames');
    expect(store.manifest).toMatchObject({ frameCount: 1, loop: 'forward', fps: 25 });
    expect(store.manifest.faces).toEqual([prepared.face]);
    // What the renderer needs is measured once, here: lips, skin, the warp mesh.
    expect(store.manifest.appearance?.mesh.triangles.length).toBeGreaterThan(50);
    const poster = await sharp(prepared.framePath).ensureAlpha().raw().toBuffer();
    expect(Buffer.compare(poster, Buffer.from(store.frame(0)))).toBe(0);
    store.close();
  });
});
