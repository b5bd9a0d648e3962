/**
 * Opens the mouth of a still portrait: the lower lip, jaw and chin between the mouth corners
 * slide down by a bell-shaped amount (largest mid-mouth, zero at the corners), the stretch
 * fades out below the chin, and the gap left at the lip line becomes a dark cavity with a
 * hint of upper teeth. Only pixels inside that region are written.
 */
import type { RgbaImage } from './rgba-image';
import type { MouthShape } from './landmarks';

const CAVITY_EDGE = [70, 28, 30] as const;
const CAVITY_DEEP = [28, 8, 10] as const;
const TEETH = [226, 220, 208] as const;
/** Fraction of the opening (from the top) where upper teeth show. */
const TEETH_DEPTH = 0.3;
/** Soft edge width in px at the cavity's borders. */
const EDGE_PX = 1.25;

export class MouthWarp {
  private readonly x0: number;
  private readonly x1: number;
  /** Per column from x0: lip-line y (where upper and lower inner lips meet). */
  private readonly lineY: Float32Array;
  /** Per column: horizontal weight 0..1 of the opening. */
  private readonly weight: Float32Array;
  /** Per column: 0..1 position across the mouth (for the teeth). */
  private readonly across: Float32Array;
  private readonly chinY: number;
  private readonly fadeEndY: number;
  /** Opening in px at the mouth's centre when openness is 1. */
  readonly maxOpenPx: number;

  constructor(
    private readonly base: RgbaImage,
    mouth: MouthShape,
  ) {
    const { leftCorner: l, rightCorner: r } = mouth;
    const width = Math.max(4, r.x - l.x);
    const centre = {
      x: (mouth.innerUpper.x + mouth.innerLower.x) / 2,
      y: (mouth.innerUpper.y + mouth.innerLower.y) / 2,
    };
    this.chinY = Math.min(base.heightPx - 1, mouth.chin.y);
    const lipToChin = Math.max(4, this.chinY - centre.y);
    // A talking jaw opens roughly a fifth of the mouth width; never more than the chin allows.
    this.maxOpenPx = Math.min(width * 0.22, lipToChin * 0.45);
    // Below the chin the stretch relaxes back to zero over this distance (neck is compressed).
    this.fadeEndY = Math.min(
      base.heightPx - 1,
      this.chinY + Math.max(this.maxOpenPx * 2.5, lipToChin * 0.35),
    );

    this.x0 = Math.max(0, Math.ceil(l.x));
    this.x1 = Math.min(base.widthPx - 1, Math.floor(r.x));
    const columns = Math.max(0, this.x1 - this.x0 + 1);
    this.lineY = new Float32Array(columns);
    this.weight = new Float32Array(columns);
    this.across = new Float32Array(columns);
    for (let i = 0; i < columns; i++) {
      const x = this.x0 + i;
      const t = (x - l.x) / width;
      this.across[i] = t;
      this.weight[i] = Math.pow(Math.max(0, Math.sin(Math.PI * t)), 0.6);
      // Lip line: corner → centre → corner, piecewise linear.
      this.lineY[i] =
        x <= centre.x
          ? l.y + ((centre.y - l.y) * (x - l.x)) / Math.max(1, centre.x - l.x)
          : centre.y + ((r.y - centre.y) * (x - centre.x)) / Math.max(1, r.x - centre.x);
    }
  }

  /** Bounding box of the pixels this warp may change. */
  get bounds(): { x0: number; x1: number; y0: number; y1: number } {
    let minLine = Infinity;
    for (const y of this.lineY) minLine = Math.min(minLine, y);
    return { x0: this.x0, x1: this.x1, y0: Math.floor(minLine), y1: Math.ceil(this.fadeEndY) };
  }

  /** Writes the opened mouth into `out` (which already holds the base frame). */
  apply(out: Uint8Array, openness: number): void {
    const open = Math.min(1, Math.max(0, openness));
    if (open < 0.01) return;
    const src = this.base.data;
    const stride = this.base.widthPx * 4;
    const maxRow = this.base.heightPx - 1;
    const chinY = this.chinY;
    const fadeLen = Math.max(1, this.fadeEndY - chinY);
    const yEnd = Math.floor(this.fadeEndY);

    for (let i = 0; i < this.lineY.length; i++) {
      const x = this.x0 + i;
      const lineY = this.lineY[i] ?? 0;
      const gap = this.maxOpenPx * open * (this.weight[i] ?? 0);
      if (gap < 0.05) continue;
      const across = this.across[i] ?? 0;
      const showTeeth = Math.abs(across - 0.5) < 0.32;
      const colOffset = x * 4;
      // The lip-line pixel the lower lip's top edge samples from.
      const lineRow = Math.min(maxRow, Math.max(0, Math.round(lineY)));

      for (let y = Math.max(0, Math.ceil(lineY)); y <= yEnd; y++) {
        const o = y * stride + colOffset;
        if (y < lineY + gap) {
          // Inside the opening: cavity, teeth at the top, soft borders.
          const s = (y - lineY) / gap;
          const depth = 1 - Math.abs(s - 0.45) * 2;
          let cr = CAVITY_EDGE[0] + (CAVITY_DEEP[0] - CAVITY_EDGE[0]) * depth;
          let cg = CAVITY_EDGE[1] + (CAVITY_DEEP[1] - CAVITY_EDGE[1]) * depth;
          let cb = CAVITY_EDGE[2] + (CAVITY_DEEP[2] - CAVITY_EDGE[2]) * depth;
          if (showTeeth && s < TEETH_DEPTH && gap > 3) {
            // Teeth fade towards the mouth corners and towards their lower edge.
            const k = (1 - s / TEETH_DEPTH) * (1 - Math.abs(across - 0.5) / 0.32) * 0.9;
            cr += (TEETH[0] - cr) * k;
            cg += (TEETH[1] - cg) * k;
            cb += (TEETH[2] - cb) * k;
          }
          const alpha = Math.min(1, (y - lineY) / EDGE_PX, (lineY + gap - y) / EDGE_PX, gap / 3);
          // Under the soft edge: the upper lip near the top, the lower lip's edge near the bottom.
          const u = s < 0.5 ? o : lineRow * stride + colOffset;
          out[o] = src[u]! + (cr - src[u]!) * alpha;
          out[o + 1] = src[u + 1]! + (cg - src[u + 1]!) * alpha;
          out[o + 2] = src[u + 2]! + (cb - src[u + 2]!) * alpha;
          continue;
        }
        // Below the opening: the lower lip and chin shifted down by the full gap, relaxing
        // to no shift over the fade below the chin.
        const fall = y <= chinY ? 1 : smoothFall((y - chinY) / fadeLen);
        const sy = y - gap * fall;
        const y0 = Math.min(maxRow, Math.max(0, Math.floor(sy)));
        const y1 = Math.min(maxRow, y0 + 1);
        const f = sy - Math.floor(sy);
        const a = y0 * stride + colOffset;
        const b = y1 * stride + colOffset;
        out[o] = src[a]! + (src[b]! - src[a]!) * f;
        out[o + 1] = src[a + 1]! + (src[b + 1]! - src[a + 1]!) * f;
        out[o + 2] = src[a + 2]! + (src[b + 2]! - src[a + 2]!) * f;
      }
    }
  }
}

/** 1 at 0, 0 at 1, smooth at both ends. */
function smoothFall(t: number): number {
  if (t >= 1) return 0;
  if (t <= 0) return 1;
  return 1 - t * t * (3 - 2 * t);
}
