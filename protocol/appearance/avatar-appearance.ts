/**
 * What preparation measures once on an avatar's first frame and stores in the frame store
 * manifest, so the renderer needs no image analysis at session start: lip, jaw, chin and eye
 * geometry, the warp mesh, skin and lip colour, a teeth sample and how open the mouth is at
 * rest. JSON-serialisable, a few KB.
 */
import { z } from 'zod';
import type { FaceGeometry } from '../face-geometry';
import {
  CHIN_INDICES,
  INNER_LIP_INDICES,
  JAW_INDICES,
  OUTER_LIP_INDICES,
  RING_SIZE,
  lipContours,
  meshTriangles,
  meshVertices,
  mouthFrame,
} from './face-mesh';
import type { RgbaImage } from './rgba-image';

/** FaceMesh eye contours, subject's right eye (image left) first. */
export const EYE_INDICES = [
  [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
  [362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398],
] as const;

/** Largest teeth sample stored, px (keeps the manifest small). */
const TEETH_MAX = { widthPx: 48, heightPx: 16 } as const;
/** Inner lip gap / mouth width above which the mouth counts as open at rest. */
export const OPEN_AT_REST_THRESHOLD = 0.06;

const pointSchema = z.tuple([z.number(), z.number()]);
const rgbSchema = z.tuple([z.number(), z.number(), z.number()]);
const featureSchema = z.object({
  indices: z.array(z.number().int().min(0).max(467)),
  /** Pixel positions of `indices` on the measured frame (synthesised for sparse landmarks). */
  polygon: z.array(pointSchema),
});

export const avatarAppearanceSchema = z.object({
  version: z.literal(1),
  /** 'keypoints': the face had only key landmarks, so the lip contours are fitted arcs. */
  lipSource: z.enum(['facemesh', 'keypoints']),
  lips: z.object({ outer: featureSchema, inner: featureSchema }),
  jaw: featureSchema,
  chin: featureSchema,
  eyes: z.tuple([featureSchema, featureSchema]),
  mesh: z.object({
    ringSize: z.literal(RING_SIZE),
    /** Rest positions on the measured frame, px: rings of inner lip, outer lip, jaw, anchors. */
    vertices: z.array(pointSchema),
    triangles: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])),
    /** The first `interiorCount` triangles span the inner-lip gap (the mouth interior). */
    interiorCount: z.number().int().min(0),
  }),
  /** Robust mean colours, sRGB 0..255. */
  skinRgb: rgbSchema,
  lipRgb: rgbSchema,
  /** Upper teeth as seen at rest, RGBA, or null when the mouth is closed or shows none. */
  teeth: z
    .object({
      widthPx: z.number().int().positive(),
      heightPx: z.number().int().positive(),
      rgbaBase64: z.string(),
    })
    .nullable(),
  /** Inner lip gap at the mouth centre / mouth width (0 = closed). */
  mouthOpenAtRest: z.number().min(0),
  /** Corner to corner, px. */
  mouthWidthPx: z.number().positive(),
});
export type AvatarAppearance = z.infer<typeof avatarAppearanceSchema>;

/** Measures the appearance of `image`, whose face geometry is `face` (same pixels). */
export function measureAppearance(image: RgbaImage, face: FaceGeometry): AvatarAppearance {
  const frame = mouthFrame(face);
  const { outer, inner, source } = lipContours(face);
  const vertices = meshVertices(face);
  const { triangles, interiorCount } = meshTriangles();
  const mid = (list: Float64Array, k: number): [number, number] => [list[k * 2]!, list[k * 2 + 1]!];
  const gapPx = Math.hypot(
    mid(inner, 5)[0] - mid(inner, 15)[0],
    mid(inner, 5)[1] - mid(inner, 15)[1],
  );
  const mouthOpenAtRest = gapPx / frame.widthPx;

  // Lip colour: halfway between the inner and outer contours, away from the corners.
  const lipSamples: number[] = [];
  for (let k = 0; k < RING_SIZE; k++) {
    if (k === 0 || k === 10) continue;
    const [ox, oy] = mid(outer, k);
    const [ix, iy] = mid(inner, k);
    for (const t of [0.35, 0.5, 0.65])
      sample(image, ox + (ix - ox) * t, oy + (iy - oy) * t, lipSamples);
  }
  // Skin: the cheeks beside the mouth and the chin below the lower lip.
  const skinSamples: number[] = [];
  const at = (lx: number, ly: number) =>
    [
      frame.centre.x + lx * frame.ex.x + ly * frame.ey.x,
      frame.centre.y + lx * frame.ex.y + ly * frame.ey.y,
    ] as const;
  const w = frame.widthPx;
  for (let i = -2; i <= 2; i++) {
    for (const side of [-1, 1]) {
      const [x, y] = at(side * w * 0.8, -w * 0.1 + i * w * 0.06);
      sample(image, x, y, skinSamples);
    }
    const [x, y] = at(i * w * 0.08, (mid(outer, 15)[1] - frame.centre.y + frame.chinPx) / 2);
    sample(image, x, y, skinSamples);
  }

  return avatarAppearanceSchema.parse({
    version: 1,
    lipSource: source,
    lips: {
      outer: { indices: [...OUTER_LIP_INDICES], polygon: pairs(outer) },
      inner: { indices: [...INNER_LIP_INDICES], polygon: pairs(inner) },
    },
    jaw: feature(face, JAW_INDICES),
    chin: feature(face, CHIN_INDICES),
    eyes: [feature(face, EYE_INDICES[0]), feature(face, EYE_INDICES[1])],
    mesh: { ringSize: RING_SIZE, vertices: pairs(vertices), triangles, interiorCount },
    skinRgb: robustMean(skinSamples),
    lipRgb: robustMean(lipSamples),
    teeth: mouthOpenAtRest > OPEN_AT_REST_THRESHOLD ? teethSample(image, inner) : null,
    mouthOpenAtRest: round(mouthOpenAtRest, 4),
    mouthWidthPx: round(frame.widthPx, 2),
  } satisfies AvatarAppearance);
}

function feature(face: FaceGeometry, indices: readonly number[]) {
  return {
    indices: [...indices],
    polygon: indices.map((i): [number, number] => {
      const p = face.landmarks[i];
      if (!p) throw new Error(`face geometry lacks landmark ${i}`);
      return [round(p[0], 2), round(p[1], 2)];
    }),
  };
}

function pairs(list: Float64Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < list.length; i += 2) out.push([round(list[i]!, 2), round(list[i + 1]!, 2)]);
  return out;
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

/** Appends the RGB of the pixel nearest (x, y) to `into`, if inside the image. */
function sample(image: RgbaImage, x: number, y: number, into: number[]): void {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= image.widthPx || py >= image.heightPx) return;
  const o = (py * image.widthPx + px) * 4;
  into.push(image.data[o]!, image.data[o + 1]!, image.data[o + 2]!);
}

/** Per-channel mean of the middle half (by luminance) of RGB triples; grey when empty. */
function robustMean(rgb: number[]): [number, number, number] {
  const n = rgb.length / 3;
  if (n === 0) return [128, 128, 128];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => luma(rgb, a) - luma(rgb, b));
  const kept = order.slice(
    Math.floor(n / 4),
    Math.max(Math.floor(n / 4) + 1, Math.ceil((n * 3) / 4)),
  );
  const mean = [0, 1, 2].map((c) => kept.reduce((s, i) => s + rgb[i * 3 + c]!, 0) / kept.length);
  return [round(mean[0]!, 1), round(mean[1]!, 1), round(mean[2]!, 1)];
}

function luma(rgb: number[], i: number): number {
  return 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
}

/**
 * The upper half of the inner-mouth box, downscaled to at most TEETH_MAX, when enough of it
 * is bright and unsaturated (teeth); null otherwise.
 */
function teethSample(image: RgbaImage, inner: Float64Array): AvatarAppearance['teeth'] {
  let x0 = Infinity;
  let x1 = -Infinity;
  for (let k = 0; k < RING_SIZE; k++) {
    x0 = Math.min(x0, inner[k * 2]!);
    x1 = Math.max(x1, inner[k * 2]!);
  }
  const top = inner[5 * 2 + 1]!;
  const bottom = inner[15 * 2 + 1]!;
  // Stay off the corners and the lip edges: teeth show in the middle of the opening.
  const bx0 = Math.round(x0 + (x1 - x0) * 0.15);
  const bx1 = Math.round(x1 - (x1 - x0) * 0.15);
  const by0 = Math.round(top + 1);
  const by1 = Math.round(top + (bottom - top) * 0.5);
  if (bx1 - bx0 < 4 || by1 - by0 < 2) return null;
  let bright = 0;
  let total = 0;
  for (let y = by0; y < by1; y++) {
    for (let x = bx0; x < bx1; x++) {
      if (x < 0 || y < 0 || x >= image.widthPx || y >= image.heightPx) continue;
      const o = (y * image.widthPx + x) * 4;
      const r = image.data[o]!;
      const g = image.data[o + 1]!;
      const b = image.data[o + 2]!;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      total++;
      if (max > 140 && (max - min) / max < 0.35) bright++;
    }
  }
  if (total === 0 || bright / total < 0.3) return null;
  const widthPx = Math.min(TEETH_MAX.widthPx, bx1 - bx0);
  const heightPx = Math.min(TEETH_MAX.heightPx, by1 - by0);
  const patch = new Uint8Array(widthPx * heightPx * 4);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const sx = Math.min(
        image.widthPx - 1,
        Math.max(0, bx0 + Math.floor(((x + 0.5) * (bx1 - bx0)) / widthPx)),
      );
      const sy = Math.min(
        image.heightPx - 1,
        Math.max(0, by0 + Math.floor(((y + 0.5) * (by1 - by0)) / heightPx)),
      );
      const o = (sy * image.widthPx + sx) * 4;
      patch.set(image.data.subarray(o, o + 4), (y * widthPx + x) * 4);
    }
  }
  return { widthPx, heightPx, rgbaBase64: Buffer.from(patch).toString('base64') };
}
