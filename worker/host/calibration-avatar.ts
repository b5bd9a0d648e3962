/**
 * A drawn stand-in face: a 512×512 portrait with skin texture, eyes, brows and lips, plus
 * plausible FaceMesh landmarks. The host renders it at start-up to calibrate its capacity
 * (no face detection needed); tests use it too (worker/testing/synthetic-avatar.ts) instead
 * of the real face detector (lib/faces).
 */
import type { PreparedAvatar } from '../../protocol/session-request';
import { LANDMARK } from '../../protocol/appearance/face-landmarks';
import type { RgbaImage } from '../../protocol/appearance/rgba-image';

export const SYNTHETIC_SIZE_PX = 512;

/** Key landmark positions of the drawn face, in px. */
export const SYNTHETIC_FACE = {
  centre: { x: 256, y: 270 },
  radii: { x: 135, y: 175 },
  rightEye: { outer: [180, 250], inner: [230, 250], upper: [205, 241], lower: [205, 259] },
  leftEye: { inner: [282, 250], outer: [332, 250], upper: [307, 241], lower: [307, 259] },
  mouth: {
    left: [211, 362],
    right: [301, 362],
    top: [256, 346],
    bottom: [256, 380],
    innerUpper: [256, 361],
    innerLower: [256, 363],
  },
  chin: [256, 438],
} as const;

type Pair = readonly [number, number];

export function syntheticLandmarks(): Array<[number, number]> {
  const f = SYNTHETIC_FACE;
  // Points we do not model sit on the face outline, so every index is a plausible face point.
  const points: Array<[number, number]> = Array.from({ length: 468 }, (_, i) => {
    const a = (i / 468) * Math.PI * 2;
    return [f.centre.x + Math.cos(a) * f.radii.x * 0.9, f.centre.y + Math.sin(a) * f.radii.y * 0.9];
  });
  const set = (index: number, p: Pair) => {
    points[index] = [p[0], p[1]];
  };
  set(LANDMARK.rightEyeOuter, f.rightEye.outer);
  set(LANDMARK.rightEyeInner, f.rightEye.inner);
  set(LANDMARK.rightEyeUpper, f.rightEye.upper);
  set(LANDMARK.rightEyeLower, f.rightEye.lower);
  set(LANDMARK.leftEyeInner, f.leftEye.inner);
  set(LANDMARK.leftEyeOuter, f.leftEye.outer);
  set(LANDMARK.leftEyeUpper, f.leftEye.upper);
  set(LANDMARK.leftEyeLower, f.leftEye.lower);
  set(LANDMARK.mouthLeftCorner, f.mouth.left);
  set(LANDMARK.mouthRightCorner, f.mouth.right);
  set(LANDMARK.upperLipTop, f.mouth.top);
  set(LANDMARK.lowerLipBottom, f.mouth.bottom);
  set(LANDMARK.innerUpperLip, f.mouth.innerUpper);
  set(LANDMARK.innerLowerLip, f.mouth.innerLower);
  set(LANDMARK.chin, f.chin);
  return points;
}

function insideEllipse(
  x: number,
  y: number,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
): number {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy;
}

/** Draws the synthetic portrait as raw RGBA. */
export function syntheticImage(): RgbaImage {
  const size = SYNTHETIC_SIZE_PX;
  const data = new Uint8Array(size * size * 4);
  const f = SYNTHETIC_FACE;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      // Background: a cool gradient.
      let r = 60 + (x * 40) / size;
      let g = 80 + (y * 40) / size;
      let b = 120;
      // Neck below the face, then the face, both with a fine texture so shifts are visible.
      const texture = 8 * Math.sin(y / 2.7) + 5 * Math.sin((x + y) / 5.3);
      if (y > f.centre.y && Math.abs(x - f.centre.x) < 70) {
        r = 200 + texture;
        g = 150 + texture;
        b = 122 + texture;
      }
      if (insideEllipse(x, y, f.centre.x, f.centre.y, f.radii.x, f.radii.y) <= 1) {
        r = 224 + texture;
        g = 172 + texture;
        b = 140 + texture;
      }
      // Brows.
      for (const cx of [205, 307]) {
        if (insideEllipse(x, y, cx, 220, 30, 5) <= 1) [r, g, b] = [70, 45, 35];
      }
      // Eyes: white, iris, pupil.
      for (const eye of [f.rightEye, f.leftEye]) {
        const cx = (eye.outer[0] + eye.inner[0]) / 2;
        const cy = (eye.upper[1] + eye.lower[1]) / 2;
        if (insideEllipse(x, y, cx, cy, 25, 9) <= 1) {
          [r, g, b] = [240, 240, 235];
          if (insideEllipse(x, y, cx, cy, 8, 8) <= 1) [r, g, b] = [70, 110, 60];
          if (insideEllipse(x, y, cx, cy, 3.5, 3.5) <= 1) [r, g, b] = [10, 10, 10];
        }
      }
      // Lips: upper and lower halves meeting at the inner lip line.
      const m = f.mouth;
      if (insideEllipse(x, y, 256, 362, 45, 17) <= 1) {
        const lower = y >= m.innerLower[1];
        [r, g, b] = lower ? [190, 90, 95] : [175, 80, 88];
        if (Math.abs(y - 362) < 1) [r, g, b] = [120, 50, 55];
      }
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 255;
    }
  }
  return { data, widthPx: size, heightPx: size };
}

export function syntheticAvatar(framePath: string, id = 'synthetic'): PreparedAvatar {
  return {
    id,
    name: 'Synthetic Test Face',
    framePath,
    widthPx: SYNTHETIC_SIZE_PX,
    heightPx: SYNTHETIC_SIZE_PX,
    face: {
      box: { x: 121, y: 95, width: 270, height: 350 },
      landmarks: syntheticLandmarks(),
    },
  };
}
