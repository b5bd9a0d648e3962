/**
 * Piecewise-affine warp: every destination triangle is filled by sampling (bilinearly) the
 * source triangle it came from. Interior triangles (the gap between the lips) instead get
 * the synthesised inner mouth, blended over the stretched source by a feathered mask that is
 * 0 on the lip edges, 0 where the gap is no wider than at rest, and 1 inside a new opening.
 */
import { sampleBilinearQ } from './bilinear';
import type { InnerMouth } from './inner-mouth';

/** Width of the soft edge between lip and cavity, px. */
const EDGE_PX = 1.1;

export interface InteriorAttributes {
  /** Per vertex: position across the mouth (0..1), and down the gap (0 upper, 1 lower). */
  u: Float64Array;
  s: Float64Array;
  /** Per vertex: the current and the rest gap height of its column, px. */
  gapPx: Float64Array;
  restGapPx: Float64Array;
}

export class MeshRaster {
  constructor(
    private readonly widthPx: number,
    private readonly heightPx: number,
    /** Index triples; the first `interiorCount` triangles are the mouth interior. */
    private readonly triangles: Int32Array,
    private readonly interiorCount: number,
  ) {}

  /**
   * Warps `src` into `out` (packed RGBA frames of this size): triangles at `dst` positions take
   * the pixels of the same triangles at `srcPos` positions. Counts covered cavity pixels.
   * Returns the number of pixels where the synthesised mouth interior shows (alpha > 0.5).
   */
  draw(
    src: Uint32Array,
    out: Uint32Array,
    srcPos: Float64Array,
    dst: Float64Array,
    inner: InnerMouth,
    attrs: InteriorAttributes,
  ): number {
    let cavityPixels = 0;
    const tris = this.triangles;
    const count = tris.length / 3;
    const widthPx = this.widthPx;
    const heightPx = this.heightPx;
    const maxX = this.widthPx - 1;
    const maxY = this.heightPx - 1;
    for (let t = 0; t < count; t++) {
      const i0 = tris[t * 3]!;
      const i1 = tris[t * 3 + 1]!;
      const i2 = tris[t * 3 + 2]!;
      const x0 = dst[i0 * 2]!;
      const y0 = dst[i0 * 2 + 1]!;
      const x1 = dst[i1 * 2]!;
      const y1 = dst[i1 * 2 + 1]!;
      const x2 = dst[i2 * 2]!;
      const y2 = dst[i2 * 2 + 1]!;
      const den = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2);
      const interior = t < this.interiorCount;
      if (Math.abs(den) < 0.05) continue;
      const inv = 1 / den;
      // Barycentric weights l0, l1 as affine functions of (x, y).
      const a0 = (y1 - y2) * inv;
      const b0 = (x2 - x1) * inv;
      const a1 = (y2 - y0) * inv;
      const b1 = (x0 - x2) * inv;
      const bx0 = Math.max(0, Math.ceil(Math.min(x0, x1, x2)));
      const bx1 = Math.min(maxX, Math.floor(Math.max(x0, x1, x2)));
      const by0 = Math.max(0, Math.ceil(Math.min(y0, y1, y2)));
      const by1 = Math.min(maxY, Math.floor(Math.max(y0, y1, y2)));
      const sxA = srcPos[i0 * 2]!;
      const syA = srcPos[i0 * 2 + 1]!;
      const sxB = srcPos[i1 * 2]!;
      const syB = srcPos[i1 * 2 + 1]!;
      const sxC = srcPos[i2 * 2]!;
      const syC = srcPos[i2 * 2 + 1]!;
      for (let y = by0; y <= by1; y++) {
        let l0 = a0 * (bx0 - x2) + b0 * (y - y2);
        let l1 = a1 * (bx0 - x2) + b1 * (y - y2);
        let o = y * widthPx + bx0;
        for (let x = bx0; x <= bx1; x++, l0 += a0, l1 += a1, o++) {
          const l2 = 1 - l0 - l1;
          if (l0 < -1e-7 || l1 < -1e-7 || l2 < -1e-7) continue;
          const sx = l0 * sxA + l1 * sxB + l2 * sxC;
          const sy = l0 * syA + l1 * syB + l2 * syC;
          // In 1/256 px: int32 arguments, never boxed (bilinear.ts).
          const pixel = sampleBilinearQ(
            src,
            widthPx,
            heightPx,
            (sx * 256 + 0.5) | 0,
            (sy * 256 + 0.5) | 0,
          );
          if (!interior) {
            out[o] = pixel;
            continue;
          }
          const gap = l0 * attrs.gapPx[i0]! + l1 * attrs.gapPx[i1]! + l2 * attrs.gapPx[i2]!;
          const restGap =
            l0 * attrs.restGapPx[i0]! + l1 * attrs.restGapPx[i1]! + l2 * attrs.restGapPx[i2]!;
          const s = l0 * attrs.s[i0]! + l1 * attrs.s[i1]! + l2 * attrs.s[i2]!;
          const fresh = gap > restGap ? 1 - restGap / gap : 0;
          const fromEdge = (s < 0.5 ? s : 1 - s) * gap;
          const edge = fromEdge >= EDGE_PX ? 1 : fromEdge <= 0 ? 0 : fromEdge / EDGE_PX;
          const alpha = fresh * edge;
          if (alpha <= 0.002) {
            out[o] = pixel;
            continue;
          }
          const u = l0 * attrs.u[i0]! + l1 * attrs.u[i1]! + l2 * attrs.u[i2]!;
          // Through `at`, not arguments: doubles as call arguments are boxed.
          inner.at[0] = u;
          inner.at[1] = s;
          inner.at[2] = gap;
          inner.shadeAt();
          // What the stretched source shows inside a new opening is only the lip line (or skin
          // at the corners): darken it with the opening so the soft edge does not glow.
          const dim = 1 - 0.45 * fresh;
          const r = (pixel & 0xff) * dim;
          const g = ((pixel >>> 8) & 0xff) * dim;
          const b = ((pixel >>> 16) & 0xff) * dim;
          out[o] =
            ((r + (inner.rgb[0]! - r) * alpha + 0.5) |
              (((g + (inner.rgb[1]! - g) * alpha + 0.5) | 0) << 8) |
              (((b + (inner.rgb[2]! - b) * alpha + 0.5) | 0) << 16) |
              (pixel & 0xff000000)) >>>
            0;
          if (alpha > 0.5) cavityPixels++;
        }
      }
    }
    return cavityPixels;
  }
}
