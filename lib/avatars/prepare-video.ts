/**
 * Turns an uploaded video into a prepared avatar: the face is found and tracked in every
 * frame of the first seconds, the track is smoothed, one crop frames the whole clip (so the
 * framing never wobbles), and the cut frames go into a frame store that plays ping-pong
 * (forward, then backward), so the loop never jumps.
 */
import path from 'node:path';
import { detectFaces, landmarkBounds, type DetectedFace } from '../faces/detect-faces';
import { avatarStoreDir, writeAvatarStore, AVATAR_STORE_NAME } from './avatar-store';
import { checkFace, hasSecondPerson } from './face-checks';
import { frameCrop, renderCrop, toFramePoint, type Crop, type RgbImage } from './frame-crop';
import { DEFAULT_FRAMING, type FramingId } from './framings';
import { AvatarPreparationError, MAX_VIDEO_SECONDS } from './preparation-error';
import { ignoreProgress, progressRange, STAGES, type ReportProgress } from './preparation-progress';
import { outputSize, toFaceGeometry, writePoster, type PreparedPortrait } from './prepare-portrait';
import { fillTrackGaps, smoothLandmarkTrack, type Point } from './smooth-landmarks';
import { decodeFrames, decodeSize, probeVideo } from './video-tools';

/** Frame rate of the stored loop, frames per second. */
export const VIDEO_FPS = 25;
/** Default longest stored loop, seconds (FACECAST_VIDEO_LOOP_MAX_SECONDS). */
export const DEFAULT_LOOP_MAX_SECONDS = 10;
/** Frames are decoded with the longer side at most this, px. */
const DECODE_MAX_SIDE_PX = 1280;
/** Refuse when the face is missing in more than this fraction of frames. */
const MAX_MISSING_FRACTION = 0.2;
/** Refuse when a second person shows in more than this fraction of frames. */
const MAX_SECOND_PERSON_FRACTION = 0.1;

export interface PrepareVideoOptions {
  /** Path of the uploaded video file (MP4 or WebM). */
  inputPath: string;
  outDir: string;
  framing?: FramingId;
  sizePx?: number;
  /** Longest stored loop, seconds; the clip's first seconds are used. */
  loopMaxSeconds?: number;
  onProgress?: ReportProgress;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface FaceTrack {
  /** Smoothed landmarks per frame, decoded-frame px. */
  landmarks: Point[][];
  /** One crop for the whole clip, decoded-frame px. */
  crop: Crop;
}

/** Pass 1: detect in every frame, check the face, smooth the track, choose the crop. */
async function trackFace(
  frames: AsyncIterable<Buffer>,
  width: number,
  height: number,
  expectedFrames: number,
  outWidth: number,
  outHeight: number,
  onProgress: ReportProgress,
): Promise<FaceTrack> {
  const report = progressRange(onProgress, 5, 65, STAGES.findingFaceInFrames);
  const detections: (DetectedFace | null)[] = [];
  let secondPerson = 0;
  const rgba = Buffer.alloc(width * height * 4);
  for await (const rgb of frames) {
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgba[j] = rgb[i] as number;
      rgba[j + 1] = rgb[i + 1] as number;
      rgba[j + 2] = rgb[i + 2] as number;
      rgba[j + 3] = 255;
    }
    const faces = await detectFaces({ data: rgba, width, height });
    if (hasSecondPerson(faces)) secondPerson++;
    detections.push(faces[0] ?? null);
    report(detections.length / expectedFrames);
  }
  const found = detections.filter((face): face is DetectedFace => face !== null);
  if (found.length === 0) throw new AvatarPreparationError('no_face');
  if (secondPerson > MAX_SECOND_PERSON_FRACTION * detections.length) {
    throw new AvatarPreparationError('multiple_faces', {
      detail: `a second face in ${secondPerson} of ${detections.length} frames`,
    });
  }
  // Judge size and pose on the typical frame, not on one odd detection.
  const rotations = found.flatMap((face) => (face.rotation ? [face.rotation] : []));
  checkFace({
    box: { x: 0, y: 0, width: median(found.map((face) => face.box.width)), height: 0 },
    ...(rotations.length > 0
      ? {
          rotation: {
            yawDeg: median(rotations.map((r) => r.yawDeg)),
            pitchDeg: median(rotations.map((r) => r.pitchDeg)),
            rollDeg: median(rotations.map((r) => r.rollDeg)),
          },
        }
      : {}),
  });
  if (detections.length - found.length > MAX_MISSING_FRACTION * detections.length) {
    throw new AvatarPreparationError('face_lost', {
      detail: `no face in ${detections.length - found.length} of ${detections.length} frames`,
    });
  }

  onProgress(66, STAGES.smoothing);
  const landmarks = smoothLandmarkTrack(
    fillTrackGaps(detections.map((face) => face?.landmarks ?? null)),
  );
  // One crop for the clip: the typical face size and position over all frames.
  const boxes = landmarks.map((points) => landmarkBounds(points));
  const width0 = median(boxes.map((box) => box.width));
  const crops = landmarks.map((points) =>
    frameCrop(
      { box: { x: 0, y: 0, width: width0, height: 0 }, landmarks: points },
      outWidth,
      outHeight,
    ),
  );
  const crop: Crop = {
    left: Math.round(median(crops.map((c) => c.left))),
    top: Math.round(median(crops.map((c) => c.top))),
    width: crops[0]?.width ?? 1,
    height: crops[0]?.height ?? 1,
  };
  return { landmarks, crop };
}

/**
 * Prepares an avatar from a video. Writes the poster (`outDir/frame.png`, frame 0),
 * `outDir/face.json` and the store `outDir/store/frames.*` (25 fps, ping-pong, faces per
 * frame). Uses the first `loopMaxSeconds` of the clip.
 *
 * @throws AvatarPreparationError unreadable_video, no_video_stream, video_too_long, no_face,
 *   multiple_faces, face_too_small, face_turned, face_lost.
 */
export async function prepareVideo(options: PrepareVideoOptions): Promise<PreparedPortrait> {
  const { inputPath, outDir, framing = DEFAULT_FRAMING, onProgress = ignoreProgress } = options;
  const loopMaxSeconds = options.loopMaxSeconds ?? DEFAULT_LOOP_MAX_SECONDS;
  const [widthPx, heightPx] = outputSize(framing, options.sizePx);

  onProgress(2, STAGES.reading);
  const info = await probeVideo(inputPath);
  if (info.durationS > MAX_VIDEO_SECONDS + 0.5) {
    throw new AvatarPreparationError('video_too_long', { detail: `${info.durationS} s` });
  }
  const [decodeWidth, decodeHeight] = decodeSize(info, DECODE_MAX_SIDE_PX);
  const maxFrames = Math.max(
    1,
    Math.min(Math.round(info.durationS * VIDEO_FPS), Math.round(loopMaxSeconds * VIDEO_FPS)),
  );
  const decode = (frames: number) =>
    decodeFrames({
      filePath: inputPath,
      fps: VIDEO_FPS,
      maxFrames: frames,
      widthPx: decodeWidth,
      heightPx: decodeHeight,
    });

  const track = await trackFace(
    decode(maxFrames),
    decodeWidth,
    decodeHeight,
    maxFrames,
    widthPx,
    heightPx,
    onProgress,
  );
  const frameCount = track.landmarks.length;
  const faces = track.landmarks.map((points) =>
    toFaceGeometry(points.map((point) => toFramePoint(point, track.crop, widthPx, heightPx))),
  );

  // Pass 2: cut every frame with the one crop. Frame 0 is cut first: the poster, and the
  // frame the avatar's appearance is measured on.
  const reportCut = progressRange(onProgress, 68, 96, STAGES.cuttingFrames);
  const source = decode(frameCount)[Symbol.asyncIterator]();
  const cut = async (rgb: Buffer): Promise<Buffer> => {
    const image: RgbImage = { data: rgb, width: decodeWidth, height: decodeHeight };
    return renderCrop(image, track.crop, widthPx, heightPx);
  };
  const first = await source.next();
  if (first.done) throw new AvatarPreparationError('unreadable_video', { detail: 'no frames' });
  const poster = await cut(first.value);
  const face0 = faces[0] as (typeof faces)[number];
  const framePath = await writePoster(outDir, poster, widthPx, heightPx, face0);
  async function* frames(): AsyncGenerator<Uint8Array> {
    yield poster;
    let index = 1;
    for (let next = await source.next(); !next.done; next = await source.next()) {
      if (index >= frameCount) break;
      yield await cut(next.value);
      reportCut(++index / frameCount);
    }
  }
  const storeDir = avatarStoreDir(path.resolve(outDir));
  const manifest = await writeAvatarStore({
    dir: storeDir,
    widthPx,
    heightPx,
    frames: frames(),
    faces: faces.slice(0, frameCount),
    loop: 'pingpong',
    poster: { rgba: poster, face: face0 },
  });
  await source.return?.(undefined);
  return {
    framePath,
    widthPx,
    heightPx,
    face: face0,
    sourceKind: 'video',
    storeDir,
    storeName: AVATAR_STORE_NAME,
    frameCount: manifest.frameCount,
  };
}
