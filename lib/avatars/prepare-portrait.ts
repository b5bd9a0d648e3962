/**
 * Turns an uploaded portrait into a prepared avatar frame: one square, head-and-shoulders
 * PNG with the face geometry measured on that very frame.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { faceGeometrySchema, type FaceGeometry } from '../../worker/protocol/session-request';
import { detectFaces, landmarkBounds, type DetectedFace } from '../faces/detect-faces';

/** Smallest accepted face, as the width of its landmarks' bounding box in source pixels. */
export const MIN_FACE_WIDTH_PX = 96;
/** Face width (landmark bounding box) as a fraction of the frame width. */
const FACE_WIDTH_FRACTION = 0.45;
/** Height of the eye line as a fraction of the frame height, from the top. */
const EYE_LINE_FRACTION = 0.4;
/** Longest side the source is scaled down to before the first detection, px. */
const DETECTION_MAX_SIDE_PX = 1280;

// FaceMesh indices of the eye corners (subject's right eye: 33/133, left eye: 362/263).
const EYE_CORNERS = [33, 133, 362, 263] as const;

export type AvatarPreparationErrorCode = 'unreadable_image' | 'no_face' | 'face_too_small';

const REASONS: Record<AvatarPreparationErrorCode, string> = {
  unreadable_image: 'This file could not be read as an image. Upload a JPEG, PNG or WebP photo.',
  no_face: 'No face was found in this image. Upload a clear, front-facing portrait.',
  face_too_small: `The face in this image is too small. Upload a portrait where the face is at least ${MIN_FACE_WIDTH_PX} pixels wide.`,
};

/** A portrait we refuse; `reason` is safe to show to the user as is. */
export class AvatarPreparationError extends Error {
  readonly code: AvatarPreparationErrorCode;
  readonly reason: string;

  constructor(code: AvatarPreparationErrorCode, options?: { cause?: unknown }) {
    super(`avatar preparation refused: ${code}`, options);
    this.name = 'AvatarPreparationError';
    this.code = code;
    this.reason = REASONS[code];
  }
}

export interface PreparePortraitOptions {
  /** The uploaded image file (JPEG, PNG, WebP, … anything sharp decodes). */
  input: Buffer;
  /** Directory that receives frame.png and face.json; created if missing. */
  outDir: string;
  /** Side of the square output frame, px. */
  sizePx?: number;
}

export interface PreparedPortrait {
  /** Absolute path of the prepared frame (PNG, widthPx × heightPx, RGB). */
  framePath: string;
  widthPx: number;
  heightPx: number;
  face: FaceGeometry;
}

interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

async function decode(input: Buffer): Promise<RgbImage> {
  try {
    // failOn 'warning' also refuses truncated JPEGs, which libjpeg would otherwise pad grey.
    const { data, info } = await sharp(input, { failOn: 'warning' })
      .rotate() // apply EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw new AvatarPreparationError('unreadable_image', { cause: error });
  }
}

async function toRgba(
  image: RgbImage,
  maxSidePx = Infinity,
): Promise<{ rgba: Buffer; scale: number; width: number; height: number }> {
  const scale = Math.min(1, maxSidePx / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  });
  if (scale < 1) pipeline = pipeline.resize(width, height, { kernel: 'lanczos3' });
  const rgba = await pipeline.ensureAlpha().raw().toBuffer();
  return { rgba, scale: width / image.width, width, height };
}

function eyeCentre(face: DetectedFace): [number, number] {
  let x = 0;
  let y = 0;
  for (const index of EYE_CORNERS) {
    const point = face.landmarks[index];
    if (!point) throw new Error(`face mesh lacks landmark ${index}`);
    x += point[0];
    y += point[1];
  }
  return [x / EYE_CORNERS.length, y / EYE_CORNERS.length];
}

/** Square crop (source pixels, may extend past the image) framing head and shoulders. */
function frameCrop(face: DetectedFace): { left: number; top: number; side: number } {
  const faceWidth = face.box.width;
  const side = Math.round(faceWidth / FACE_WIDTH_FRACTION);
  const [eyeX, eyeY] = eyeCentre(face);
  return {
    left: Math.round(eyeX - side / 2),
    top: Math.round(eyeY - side * EYE_LINE_FRACTION),
    side,
  };
}

/**
 * Cuts the square crop out of the image and scales it to sizePx. Where the crop leaves the
 * image, the border pixels are stretched outwards and blurred, so the fill reads as
 * out-of-focus background rather than as hard streaks.
 */
async function renderFrame(
  image: RgbImage,
  crop: { left: number; top: number; side: number },
  sizePx: number,
): Promise<Buffer> {
  const raw = { width: image.width, height: image.height, channels: 3 } as const;
  const pad = {
    left: Math.max(0, -crop.left),
    top: Math.max(0, -crop.top),
    right: Math.max(0, crop.left + crop.side - image.width),
    bottom: Math.max(0, crop.top + crop.side - image.height),
  };
  let source = image.data;
  let sourceWidth = image.width;
  let sourceHeight = image.height;
  if (pad.left + pad.top + pad.right + pad.bottom > 0) {
    sourceWidth = image.width + pad.left + pad.right;
    sourceHeight = image.height + pad.top + pad.bottom;
    const stretched = await sharp(image.data, { raw })
      .extend({ ...pad, extendWith: 'copy' })
      .blur(Math.max(2, crop.side / 25))
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
      width: crop.side,
      height: crop.side,
    })
    .resize(sizePx, sizePx, { kernel: 'lanczos3' })
    .png()
    .toBuffer();
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/**
 * Prepares an avatar from a portrait: finds the largest face, frames head and shoulders in
 * a sizePx × sizePx square (face ≈ 45 % of the width, eyes at 40 % from the top), writes
 * `outDir/frame.png` and `outDir/face.json`, and returns the face geometry detected on the
 * written frame, in its pixels.
 *
 * @throws AvatarPreparationError when the image is unreadable, has no face, or the face is
 *   narrower than MIN_FACE_WIDTH_PX.
 */
export async function preparePortrait(options: PreparePortraitOptions): Promise<PreparedPortrait> {
  const { input, outDir, sizePx = 512 } = options;
  if (!Number.isInteger(sizePx) || sizePx < 128)
    throw new RangeError(`sizePx must be an integer ≥ 128, got ${sizePx}`);

  const image = await decode(input);
  const small = await toRgba(image, DETECTION_MAX_SIDE_PX);
  const [largest] = await detectFaces({
    data: small.rgba,
    width: small.width,
    height: small.height,
  });
  if (!largest) throw new AvatarPreparationError('no_face');
  const landmarksInSource = largest.landmarks.map(([x, y]): [number, number] => [
    x / small.scale,
    y / small.scale,
  ]);
  const face: DetectedFace = {
    score: largest.score,
    landmarks: landmarksInSource,
    box: landmarkBounds(landmarksInSource),
  };
  if (face.box.width < MIN_FACE_WIDTH_PX) throw new AvatarPreparationError('face_too_small');

  const png = await renderFrame(image, frameCrop(face), sizePx);
  const frame = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const [framed] = await detectFaces({
    data: frame.data,
    width: frame.info.width,
    height: frame.info.height,
  });
  // The face was found in the source, so losing it here means the crop went wrong.
  if (!framed) throw new Error('face not found again in the prepared frame');

  const landmarks = framed.landmarks.map(([x, y]): [number, number] => [round2(x), round2(y)]);
  const bounds = landmarkBounds(landmarks);
  const geometry = faceGeometrySchema.parse({
    box: {
      x: round2(bounds.x),
      y: round2(bounds.y),
      width: round2(bounds.width),
      height: round2(bounds.height),
    },
    landmarks,
  });

  await mkdir(outDir, { recursive: true });
  const framePath = path.resolve(outDir, 'frame.png');
  await writeFile(framePath, png);
  const prepared: PreparedPortrait = {
    framePath,
    widthPx: sizePx,
    heightPx: sizePx,
    face: geometry,
  };
  await writeFile(
    path.join(outDir, 'face.json'),
    `${JSON.stringify({ widthPx: sizePx, heightPx: sizePx, face: geometry })}\n`,
  );
  return prepared;
}
