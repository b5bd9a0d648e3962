/**
 * Turns an uploaded portrait into a prepared avatar: a head-and-shoulders frame in the chosen
 * framing, the face geometry measured on that very frame, a poster PNG and a one-frame store.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { faceGeometrySchema, type FaceGeometry } from '@/protocol/face-geometry';
import { detectFaces, landmarkBounds, type DetectedFace } from '../faces/detect-faces';
import { avatarStoreDir, writeAvatarStore, AVATAR_STORE_NAME } from './avatar-store';
import { singleFace } from './face-checks';
import { frameCrop, renderCrop, type RgbImage } from './frame-crop';
import { DEFAULT_FRAMING, FRAMINGS, type FramingId } from './framings';
import { AvatarPreparationError } from './preparation-error';
import { ignoreProgress, STAGES, type ReportProgress } from './preparation-progress';
import { MAX_IMAGE_PIXELS } from './upload-limits';

export {
  AvatarPreparationError,
  MIN_FACE_WIDTH_PX,
  type AvatarPreparationErrorCode,
} from './preparation-error';

/** Longest side the source is scaled down to before the first detection, px. */
const DETECTION_MAX_SIDE_PX = 1280;

export interface PreparePortraitOptions {
  /** The uploaded image file (JPEG, PNG, WebP, … anything sharp decodes). */
  input: Buffer;
  /** Directory that receives frame.png, face.json and store/; created if missing. */
  outDir: string;
  /** Output framing; default square-512. */
  framing?: FramingId;
  /** A square output of this side instead of the framing's size, px (tests, tools). */
  sizePx?: number;
  /** Also write the frame store (default true). */
  writeStore?: boolean;
  onProgress?: ReportProgress;
}

/** What preparation produced; paths are absolute. */
export interface PreparedPortrait {
  /** The poster: the (first) prepared frame as PNG, widthPx × heightPx, RGB. */
  framePath: string;
  widthPx: number;
  heightPx: number;
  /** Face geometry on the poster frame, in its pixels. */
  face: FaceGeometry;
  sourceKind: 'image' | 'video';
  /** Frame store directory and name (docs/frame-store.md); absent when writeStore is false. */
  storeDir?: string;
  storeName?: string;
  frameCount: number;
}

async function decode(input: Buffer): Promise<RgbImage> {
  try {
    // failOn 'warning' also refuses truncated JPEGs, which libjpeg would otherwise pad grey.
    const { data, info } = await sharp(input, {
      failOn: 'warning',
      limitInputPixels: MAX_IMAGE_PIXELS,
    })
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

/** Detects faces on a downscaled copy and returns them in source pixels, largest first. */
export async function detectInSource(image: RgbImage): Promise<DetectedFace[]> {
  const small = await toRgba(image, DETECTION_MAX_SIDE_PX);
  const faces = await detectFaces({ data: small.rgba, width: small.width, height: small.height });
  return faces.map((face) => {
    const landmarks = face.landmarks.map(([x, y]): [number, number] => [
      x / small.scale,
      y / small.scale,
    ]);
    return { ...face, landmarks, box: landmarkBounds(landmarks) };
  });
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Face geometry rounded to 0.01 px, validated against the protocol schema. */
export function toFaceGeometry(landmarks: readonly (readonly [number, number])[]): FaceGeometry {
  const rounded = landmarks.map(([x, y]): [number, number] => [round2(x), round2(y)]);
  const bounds = landmarkBounds(rounded);
  return faceGeometrySchema.parse({
    box: {
      x: round2(bounds.x),
      y: round2(bounds.y),
      width: round2(bounds.width),
      height: round2(bounds.height),
    },
    landmarks: rounded,
  });
}

/** Output size of a framing, or a square of sizePx when given. */
export function outputSize(framing: FramingId, sizePx?: number): [number, number] {
  if (sizePx === undefined) return [FRAMINGS[framing].widthPx, FRAMINGS[framing].heightPx];
  if (!Number.isInteger(sizePx) || sizePx < 128) {
    throw new RangeError(`sizePx must be an integer ≥ 128, got ${sizePx}`);
  }
  return [sizePx, sizePx];
}

/** Writes poster PNG and face.json; returns the poster's absolute path. */
export async function writePoster(
  outDir: string,
  rgba: Uint8Array,
  widthPx: number,
  heightPx: number,
  face: FaceGeometry,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const framePath = path.resolve(outDir, 'frame.png');
  const png = await sharp(rgba, { raw: { width: widthPx, height: heightPx, channels: 4 } })
    .removeAlpha()
    .png()
    .toBuffer();
  await writeFile(framePath, png);
  await writeFile(
    path.join(outDir, 'face.json'),
    `${JSON.stringify({ widthPx, heightPx, face })}\n`,
  );
  return framePath;
}

/**
 * Prepares an avatar from a portrait: finds the one face, frames head and shoulders (face ≈
 * 45 % of the frame height wide, eyes centred at 40 % from the top), writes the poster
 * `outDir/frame.png`, `outDir/face.json` and a one-frame store in `outDir/store/`, and
 * returns the face geometry detected on the written frame, in its pixels.
 *
 * @throws AvatarPreparationError when the image is unreadable, has no face or two, the face
 *   is narrower than MIN_FACE_WIDTH_PX, or turned too far from the camera.
 */
export async function preparePortrait(options: PreparePortraitOptions): Promise<PreparedPortrait> {
  const { input, outDir, framing = DEFAULT_FRAMING, onProgress = ignoreProgress } = options;
  const [widthPx, heightPx] = outputSize(framing, options.sizePx);

  onProgress(5, STAGES.reading);
  const image = await decode(input);
  onProgress(15, STAGES.findingFace);
  const face = singleFace(await detectInSource(image));

  onProgress(45, STAGES.framing);
  const frame = await renderCrop(image, frameCrop(face, widthPx, heightPx), widthPx, heightPx);
  // Measure on the frame we store, so the geometry matches its pixels exactly.
  const [framed] = await detectFaces({ data: frame, width: widthPx, height: heightPx });
  // The face was found in the source, so losing it here means the crop went wrong.
  if (!framed) throw new Error('face not found again in the prepared frame');
  const geometry = toFaceGeometry(framed.landmarks);

  onProgress(75, STAGES.writing);
  const framePath = await writePoster(outDir, frame, widthPx, heightPx, geometry);
  const prepared: PreparedPortrait = {
    framePath,
    widthPx,
    heightPx,
    face: geometry,
    sourceKind: 'image',
    frameCount: 1,
  };
  if (options.writeStore === false) return prepared;
  onProgress(85, STAGES.measuring);
  const storeDir = avatarStoreDir(path.resolve(outDir));
  await writeAvatarStore({
    dir: storeDir,
    widthPx,
    heightPx,
    frames: [frame],
    faces: [geometry],
    loop: 'forward',
    poster: { rgba: frame, face: geometry },
  });
  return { ...prepared, storeDir, storeName: AVATAR_STORE_NAME };
}
