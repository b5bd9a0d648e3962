/**
 * Why an upload cannot become an avatar. Every reason is written for the person who
 * uploaded it: what is wrong and what to upload instead.
 */

/** Smallest accepted face, as the width of its landmarks' bounding box in source pixels. */
export const MIN_FACE_WIDTH_PX = 96;
/** Largest accepted head turn (left/right) and nod (up/down), in degrees from frontal. */
export const MAX_YAW_DEG = 25;
export const MAX_PITCH_DEG = 25;
/** Longest accepted video, in seconds. */
export const MAX_VIDEO_SECONDS = 60;

export type AvatarPreparationErrorCode =
  | 'unreadable_image'
  | 'unreadable_video'
  | 'no_video_stream'
  | 'video_too_long'
  | 'video_too_large'
  | 'no_face'
  | 'multiple_faces'
  | 'face_too_small'
  | 'face_turned'
  | 'face_lost';

const REASONS: Record<AvatarPreparationErrorCode, string> = {
  unreadable_image: 'This file could not be read as an image. Upload a JPEG, PNG or WebP photo.',
  unreadable_video:
    'This video could not be read: it looks incomplete or uses an unsupported codec. Export it again as MP4 (H.264) or WebM (VP8/VP9) and retry.',
  no_video_stream:
    'This file has no video picture (only sound, or nothing). Upload an MP4 or WebM video of the person, or a portrait photo.',
  video_too_long: `This video is longer than ${MAX_VIDEO_SECONDS} seconds. Trim it to at most ${MAX_VIDEO_SECONDS} seconds (10 seconds of the person idle is plenty) and upload it again.`,
  video_too_large:
    'This video picture is larger than 8K (7680 × 4320). Export it at 1080p or smaller and upload it again.',
  no_face: 'No face was found in this image. Upload a clear, front-facing portrait.',
  multiple_faces:
    'More than one face was found. Upload a portrait with exactly one person, or crop the others out.',
  face_too_small: `The face in this image is too small. Upload a portrait where the face is at least ${MIN_FACE_WIDTH_PX} pixels wide.`,
  face_turned: `The face is turned too far from the camera (more than ${MAX_YAW_DEG}° sideways or ${MAX_PITCH_DEG}° up or down). Upload a portrait looking into the camera.`,
  face_lost:
    'The face could not be followed through the video: it leaves the picture, is covered, or turns away too often. Upload a steadier clip with the face always visible.',
};

/** An upload we refuse; `reason` is safe to show to the user as is. */
export class AvatarPreparationError extends Error {
  readonly code: AvatarPreparationErrorCode;
  readonly reason: string;

  constructor(code: AvatarPreparationErrorCode, options?: { cause?: unknown; detail?: string }) {
    super(`avatar preparation refused: ${code}${options?.detail ? ` (${options.detail})` : ''}`, {
      cause: options?.cause,
    });
    this.name = 'AvatarPreparationError';
    this.code = code;
    this.reason = REASONS[code];
  }
}
