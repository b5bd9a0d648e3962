/**
 * From an RGBA frame and its face landmarks to the model's face input: a square crop box
 * around the face (Wav2Lip-style: the face box with padding, extra room below for the chin),
 * resampled to S×S with a box filter, written as the 6-channel input (lower half masked to
 * 0, then the reference crop) in the model's channel order, /255. Sampling tables are built
 * once per box, so filling a batch slot allocates nothing.
 */
import type { FaceGeometry } from '../../protocol/face-geometry';

/** Square crop in frame pixels, integer and inside the frame. */
export interface CropBox {
  x: number;
  y: number;
  sizePx: number;
}

export type ChannelOrder = 'bgr' | 'rgb';

/** Padding around the landmark bounds, as a fraction of the face size, each side. */
const SIDE_PADDING = 0.1;
/** Extra room below the chin (Wav2Lip pads the detector box 10 px downwards at ~100 px faces). */
const CHIN_PADDING = 0.08;

/**
 * The crop box of a face: the square around all 468 landmarks plus padding, moved (and if
 * need be shrunk) to lie inside the frame. Compute it once per utterance so the crop does not
 * jitter from frame to frame.
 */
export function faceCropBox(
  face: Pick<FaceGeometry, 'landmarks'>,
  frame: { widthPx: number; heightPx: number },
): CropBox {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of face.landmarks) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (!Number.isFinite(minX) || maxX <= minX || maxY <= minY) {
    throw new RangeError('face landmarks do not span an area; cannot place a lip-sync crop');
  }
  const faceSize = Math.max(maxX - minX, maxY - minY);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2 + (CHIN_PADDING * faceSize) / 2;
  const side = Math.min(
    Math.round(faceSize * (1 + 2 * SIDE_PADDING + CHIN_PADDING)),
    frame.widthPx,
    frame.heightPx,
  );
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
  return {
    x: clamp(cx - side / 2, frame.widthPx - side),
    y: clamp(cy - side / 2, frame.heightPx - side),
    sizePx: side,
  };
}

/** Source span [start, end) per output pixel of a box filter from `from` px to `to` px. */
function spans(offset: number, from: number, to: number): Int32Array {
  const out = new Int32Array(to * 2);
  for (let i = 0; i < to; i++) {
    const start = Math.floor((i * from) / to);
    const end = Math.max(start + 1, Math.floor(((i + 1) * from) / to));
    out[2 * i] = offset + start;
    out[2 * i + 1] = offset + Math.min(end, from);
  }
  return out;
}

/** RGBA byte offset of input channel c (0..2) for a channel order. */
export function rgbaComponent(order: ChannelOrder, c: number): number {
  return order === 'bgr' ? 2 - c : c;
}

/** Fills batch slots of the face input from frames, for one crop box and face size S. */
export class FaceCropper {
  private readonly colSpans: Int32Array;
  private readonly rowSpans: Int32Array;
  /** One S×S RGB crop, interleaved, reused per fill. */
  private readonly crop: Float32Array;

  constructor(
    readonly box: CropBox,
    readonly faceSizePx: number,
    readonly order: ChannelOrder,
  ) {
    this.colSpans = spans(box.x, box.sizePx, faceSizePx);
    this.rowSpans = spans(box.y, box.sizePx, faceSizePx);
    this.crop = new Float32Array(faceSizePx * faceSizePx * 3);
  }

  /**
   * Writes slot `slot` of `face` ([B,6,S,S]): channels 0-2 the crop with its lower half
   * zeroed, channels 3-5 the reference crop (`reference`, default the same frame), /255.
   */
  fill(
    face: Float32Array,
    slot: number,
    frame: { data: Uint8Array; widthPx: number },
    reference: { data: Uint8Array; widthPx: number } = frame,
  ): void {
    const s = this.faceSizePx;
    const plane = s * s;
    const base = slot * 6 * plane;
    this.sample(reference);
    this.writePlanes(face, base + 3 * plane, s);
    if (reference !== frame) this.sample(frame);
    // Wav2Lip masks rows S/2.. of the target to 0: the model draws the lower face.
    face.fill(0, base, base + 3 * plane);
    this.writePlanes(face, base, s >> 1);
  }

  private writePlanes(face: Float32Array, base: number, rows: number): void {
    const s = this.faceSizePx;
    const plane = s * s;
    const crop = this.crop;
    for (let c = 0; c < 3; c++) {
      const k = rgbaComponent(this.order, c);
      const dst = base + c * plane;
      for (let i = 0, n = rows * s; i < n; i++) face[dst + i] = crop[i * 3 + k]!;
    }
  }

  /** Box-filters the crop box of `frame` into `this.crop` (RGB, /255). */
  private sample(frame: { data: Uint8Array; widthPx: number }): void {
    const { data, widthPx } = frame;
    const s = this.faceSizePx;
    const rows = this.rowSpans;
    const cols = this.colSpans;
    const crop = this.crop;
    for (let oy = 0; oy < s; oy++) {
      const y0 = rows[2 * oy]!;
      const y1 = rows[2 * oy + 1]!;
      for (let ox = 0; ox < s; ox++) {
        const x0 = cols[2 * ox]!;
        const x1 = cols[2 * ox + 1]!;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = y0; y < y1; y++) {
          let o = (y * widthPx + x0) * 4;
          for (let x = x0; x < x1; x++, o += 4) {
            r += data[o]!;
            g += data[o + 1]!;
            b += data[o + 2]!;
          }
        }
        const norm = 1 / (255 * (y1 - y0) * (x1 - x0));
        const i = (oy * s + ox) * 3;
        crop[i] = r * norm;
        crop[i + 1] = g * norm;
        crop[i + 2] = b * norm;
      }
    }
  }
}
