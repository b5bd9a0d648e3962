/**
 * Pasting the model's S×S face crop back into an RGBA frame over the lower face only, through
 * a feathered elliptical mask around mouth, jaw and chin, so the generated pixels fade into
 * the frame with no visible seam. Mask and bilinear sampling tables are built once per crop
 * box; a paste allocates nothing.
 */
import { mouthShape } from '../../protocol/appearance/face-landmarks';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { rgbaComponent, type ChannelOrder, type CropBox } from './face-crop';

/** Width of the soft edge as a fraction of the ellipse radius. */
const FEATHER = 0.35;

/** Bilinear sampling table: for output pixel i, source index i0 and weight of i0 + 1. */
function bilinear(to: number, from: number): { index: Int32Array; frac: Float32Array } {
  const index = new Int32Array(to);
  const frac = new Float32Array(to);
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    const pos = Math.min(from - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const i0 = Math.min(from - 2, Math.floor(pos));
    index[i] = Math.max(0, i0);
    frac[i] = from === 1 ? 0 : pos - Math.max(0, i0);
  }
  return { index, frac };
}

export class FacePaster {
  /** Blend weight per box pixel in [0, 1]; 0 outside the lower-face ellipse. */
  readonly mask: Float32Array;
  /** Rows and columns of the box the mask touches: [x0, x1) × [y0, y1). */
  readonly maskRect: { x0: number; x1: number; y0: number; y1: number };
  private readonly cols: { index: Int32Array; frac: Float32Array };
  private readonly rows: { index: Int32Array; frac: Float32Array };

  constructor(
    readonly box: CropBox,
    readonly faceSizePx: number,
    readonly order: ChannelOrder,
    face: FaceGeometry,
  ) {
    const n = box.sizePx;
    this.cols = bilinear(n, faceSizePx);
    this.rows = bilinear(n, faceSizePx);
    const m = mouthShape(face);
    const mouthWidth = m.rightCorner.x - m.leftCorner.x;
    const top = m.upperLipTop.y - 0.3 * mouthWidth;
    const bottom = m.chin.y + 0.05 * mouthWidth;
    // Box coordinates; the ellipse is kept inside the box so the soft edge is never cut.
    const cx = (m.leftCorner.x + m.rightCorner.x) / 2 - box.x;
    const cy = (top + bottom) / 2 - box.y;
    const rx = Math.min(0.85 * mouthWidth, cx - 1, n - 1 - cx);
    const ry = Math.min((bottom - top) / 2, cy - 1, n - 1 - cy);
    if (!(rx > 2 && ry > 2)) {
      throw new RangeError('the mouth lies outside the lip-sync crop; check the face landmarks');
    }
    this.mask = new Float32Array(n * n);
    let [x0, x1, y0, y1] = [n, 0, n, 0];
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const dx = (x - cx) / rx;
        const dy = (y - cy) / ry;
        const r = Math.sqrt(dx * dx + dy * dy);
        if (r >= 1) continue;
        const t = Math.min(1, (1 - r) / FEATHER);
        const a = t * t * (3 - 2 * t); // smoothstep: no slope kink at either edge
        this.mask[y * n + x] = a;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x + 1);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y + 1);
      }
    }
    this.maskRect = { x0, x1, y0, y1 };
  }

  /**
   * Blends output crop `slot` of `out` ([B,3,S,S] in [0,1], channel order as configured)
   * into `frame` (RGBA, `widthPx` wide) under the mask. Alpha is left as it is.
   */
  paste(frame: Uint8Array, widthPx: number, out: Float32Array, slot: number): void {
    const s = this.faceSizePx;
    const plane = s * s;
    const base = slot * 3 * plane;
    const n = this.box.sizePx;
    const { x0, x1, y0, y1 } = this.maskRect;
    const { index: ci, frac: cf } = this.cols;
    const { index: ri, frac: rf } = this.rows;
    const rOff = base + rgbaComponent(this.order, 0) * plane;
    const gOff = base + rgbaComponent(this.order, 1) * plane;
    const bOff = base + rgbaComponent(this.order, 2) * plane;
    for (let y = y0; y < y1; y++) {
      const sy = ri[y]!;
      const fy = rf[y]!;
      const row0 = sy * s;
      const row1 = Math.min(sy + 1, s - 1) * s;
      let o = ((this.box.y + y) * widthPx + this.box.x + x0) * 4;
      for (let x = x0; x < x1; x++, o += 4) {
        const a = this.mask[y * n + x]!;
        if (a === 0) continue;
        const sx = ci[x]!;
        const sx1 = Math.min(sx + 1, s - 1);
        const fx = cf[x]!;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const i00 = row0 + sx;
        const i01 = row0 + sx1;
        const i10 = row1 + sx;
        const i11 = row1 + sx1;
        const k = 255 * a;
        const r =
          out[rOff + i00]! * w00 +
          out[rOff + i01]! * w01 +
          out[rOff + i10]! * w10 +
          out[rOff + i11]! * w11;
        const g =
          out[gOff + i00]! * w00 +
          out[gOff + i01]! * w01 +
          out[gOff + i10]! * w10 +
          out[gOff + i11]! * w11;
        const b =
          out[bOff + i00]! * w00 +
          out[bOff + i01]! * w01 +
          out[bOff + i10]! * w10 +
          out[bOff + i11]! * w11;
        frame[o] = Math.round(frame[o]! * (1 - a) + r * k);
        frame[o + 1] = Math.round(frame[o + 1]! * (1 - a) + g * k);
        frame[o + 2] = Math.round(frame[o + 2]! * (1 - a) + b * k);
      }
    }
  }
}
