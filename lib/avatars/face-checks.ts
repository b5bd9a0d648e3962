/**
 * The rules a face must pass to become an avatar: exactly one person, big enough, and
 * looking roughly into the camera.
 */
import type { DetectedFace } from '../faces/detect-faces';
import {
  AvatarPreparationError,
  MAX_PITCH_DEG,
  MAX_YAW_DEG,
  MIN_FACE_WIDTH_PX,
} from './preparation-error';

/**
 * A second face at least this wide relative to the largest counts as another person; smaller
 * ones (a face on a poster far behind, a false detection in a pattern) are ignored.
 */
export const COMPARABLE_FACE_RATIO = 0.5;

/** True when the faces (largest first) hold a second face of comparable size. */
export function hasSecondPerson(faces: readonly DetectedFace[]): boolean {
  const [largest, second] = faces;
  return Boolean(
    largest && second && second.box.width >= largest.box.width * COMPARABLE_FACE_RATIO,
  );
}

/** Checks the face's size (source px) and pose; throws the refusal that fits. */
export function checkFace(face: Pick<DetectedFace, 'box' | 'rotation'>): void {
  if (face.box.width < MIN_FACE_WIDTH_PX) {
    throw new AvatarPreparationError('face_too_small', {
      detail: `${Math.round(face.box.width)} px wide`,
    });
  }
  const rotation = face.rotation;
  if (
    rotation &&
    (Math.abs(rotation.yawDeg) > MAX_YAW_DEG || Math.abs(rotation.pitchDeg) > MAX_PITCH_DEG)
  ) {
    throw new AvatarPreparationError('face_turned', {
      detail: `yaw ${rotation.yawDeg.toFixed(1)}°, pitch ${rotation.pitchDeg.toFixed(1)}°`,
    });
  }
}

/**
 * The one face of a picture (faces largest first, coordinates in source px). Throws
 * no_face, multiple_faces, face_too_small or face_turned.
 */
export function singleFace(faces: readonly DetectedFace[]): DetectedFace {
  const [largest] = faces;
  if (!largest) throw new AvatarPreparationError('no_face');
  if (hasSecondPerson(faces)) {
    throw new AvatarPreparationError('multiple_faces', { detail: `${faces.length} faces` });
  }
  checkFace(largest);
  return largest;
}
