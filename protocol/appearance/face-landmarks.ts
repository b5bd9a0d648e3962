/**
 * The MediaPipe FaceMesh landmark indices the renderers need, and the eye and mouth
 * shapes derived from them.
 */
import type { FaceGeometry } from '../face-geometry';

export interface Point {
  x: number;
  y: number;
}

/** Indices into the 468-point FaceMesh. "Right" is the subject's right (image left). */
export const LANDMARK = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  rightEyeUpper: 159,
  rightEyeLower: 145,
  leftEyeInner: 362,
  leftEyeOuter: 263,
  leftEyeUpper: 386,
  leftEyeLower: 374,
  mouthLeftCorner: 61,
  mouthRightCorner: 291,
  upperLipTop: 0,
  lowerLipBottom: 17,
  innerUpperLip: 13,
  innerLowerLip: 14,
  chin: 152,
} as const;

export function landmark(face: FaceGeometry, index: number): Point {
  const p = face.landmarks[index];
  if (!p) throw new Error(`face geometry lacks landmark ${index}`);
  return { x: p[0], y: p[1] };
}

export interface EyeShape {
  /** Corner with the smaller x, and the other one. */
  left: Point;
  right: Point;
  upper: Point;
  lower: Point;
}

export interface MouthShape {
  leftCorner: Point;
  rightCorner: Point;
  upperLipTop: Point;
  lowerLipBottom: Point;
  innerUpper: Point;
  innerLower: Point;
  chin: Point;
}

function eye(face: FaceGeometry, a: number, b: number, upper: number, lower: number): EyeShape {
  const pa = landmark(face, a);
  const pb = landmark(face, b);
  return {
    left: pa.x <= pb.x ? pa : pb,
    right: pa.x <= pb.x ? pb : pa,
    upper: landmark(face, upper),
    lower: landmark(face, lower),
  };
}

export function eyeShapes(face: FaceGeometry): [EyeShape, EyeShape] {
  return [
    eye(
      face,
      LANDMARK.rightEyeOuter,
      LANDMARK.rightEyeInner,
      LANDMARK.rightEyeUpper,
      LANDMARK.rightEyeLower,
    ),
    eye(
      face,
      LANDMARK.leftEyeInner,
      LANDMARK.leftEyeOuter,
      LANDMARK.leftEyeUpper,
      LANDMARK.leftEyeLower,
    ),
  ];
}

export function mouthShape(face: FaceGeometry): MouthShape {
  const a = landmark(face, LANDMARK.mouthLeftCorner);
  const b = landmark(face, LANDMARK.mouthRightCorner);
  return {
    leftCorner: a.x <= b.x ? a : b,
    rightCorner: a.x <= b.x ? b : a,
    upperLipTop: landmark(face, LANDMARK.upperLipTop),
    lowerLipBottom: landmark(face, LANDMARK.lowerLipBottom),
    innerUpper: landmark(face, LANDMARK.innerUpperLip),
    innerLower: landmark(face, LANDMARK.innerLowerLip),
    chin: landmark(face, LANDMARK.chin),
  };
}
