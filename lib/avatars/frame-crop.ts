/**
 * Head-and-shoulders framing: where to cut a frame out of a source picture for a given
 * face, and the cut itself (with a soft fill where the cut leaves the picture).
 */
import sharp from 'sharp';
import type { DetectedFace } from '../faces/detect-faces';
import { EYE_LINE_OF_HEIGHT, FACE_WIDTH_OF_HEIGHT } from './framings';

/** A raw RGB picture, 3 bytes per pixel, rows without padding. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** A rectangle in source pixels; it may extend past the picture. */
export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

// FaceMesh indices of the eye corners (subject's right eye: 33/133, left eye: 362/263).
const EYE_CORNERS = [33, 133, 362, 263] as const;

/** Midpoint of the four eye corners, px. */
export function eyeCentre(landmarks: readonly (readonly [number, number])[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const index of EYE_CORNERS) {
    const point = landmarks[index];
    if (!point) throw new Error(`face mesh lacks landmark ${index}`);
    x += point[0];
    y += point[1];
  }
  return [x / EYE_CORNERS.length, y / EYE_CORNERS.length];
}

/**
 * The crop (source px) that frames this face for an output of outWidth × outHeight: face
 * width = 45 % of the output height, eyes centred horizontally at 40 % of the height.
 */
export function frameCrop(
  face: Pick<DetectedFace, 'box' | 'landmarks'>,
  outWidth: number,
  outHeight: number,
): Crop {
  const height = Math.round(face.box.width / FACE_WIDTH_OF_HEIGHT);
  const width = Math.round((height * outWidth) / outHeight);
  const [eyeX, eyeY] = eyeCentre(face.landmarks);
  return {
    left: Math.round(eyeX - width / 2),
    top: Math.round(eyeY - height * EYE_LINE_OF_HEIGHT),
    width,
    height,
  };
}

/** Maps a source point into the output frame of `crop` scaled to outWidth × outHeight. */
export function toFramePoint(
  [x, y]: readonly [number, number],
  crop: Crop,
  outWidth: number,
  outHeight: number,
): [number, number] {
  return [((x - crop.left) * outWidth) / crop.width, ((y - crop.top) * outHeight) / crop.height];
}

/**
 * Cuts `crop` out of the image and scales it to outWidth × outHeight; returns raw RGBA.
 * Where the crop leaves the image, the border pixels are stretched outwards and blurred, so
 * the fill reads as out-of-focus background rather than as hard streaks.
 */
export async function renderCrop(
  image: RgbImage,
  crop: Crop,
  outWidth: number,
  outHeight: number,
): Promise<Buffer> {
  const raw = { width: image.width, height: image.height, channels: 3 } as const;
  const pad = {
    left: Math.max(0, -crop.left),
    top: Math.max(0, -crop.top),
    right: Math.max(0, crop.left + crop.width - image.width),
    bottom: Math.max(0, crop.top + crop.height - image.height),
  };
  let source = image.data;
  let sourceWidth = image.width;
  let sourceHeight = image.height;
  if (pad.left + pad.top + pad.right + pad.bottom > 0) {
    sourceWidth = image.width + pad.left + pad.right;
    sourceHeight = image.height + pad.top + pad.bottom;
    const stretched = await sharp(image.data, { raw })
      .extend({ ...pad, extendWith: 'copy' })
      .blur(Math.max(2, crop.height / 25))
      .removeAlpha()
      .raw()
      .toBuffer();
    source = await sharp(stretched, {
      raw: { width: sourceWidth, height: sourceHeight, channels: 3 },
    })
      .composite([{ input: image.data, raw, left: pad.left, top: pad.top }])
      .removeAlpha() // composite always outputs RGBA
      .raw()
      .toBuffer();
  }
  return sharp(source, { raw: { width: sourceWidth, height: sourceHeight, channels: 3 } })
    .extract({
      left: crop.left + pad.left,
      top: crop.top + pad.top,
      width: crop.width,
      height: crop.height,
    })
    .resize(outWidth, outHeight, { kernel: 'lanczos3', fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer();
}
