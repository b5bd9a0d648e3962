/**
 * RGBA → I420 (planar Y, then U, then V, chroma subsampled 2×2), BT.601 limited range with
 * libyuv's integer coefficients: what WebRTC encoders take and what @livekit/rtc-node's
 * VideoBufferType.I420 describes (Y stride = width, U and V stride = ceil(width / 2)).
 */

/** Bytes of one I420 frame. */
export function i420Bytes(widthPx: number, heightPx: number): number {
  const chromaWidth = (widthPx + 1) >> 1;
  const chromaHeight = (heightPx + 1) >> 1;
  return widthPx * heightPx + 2 * chromaWidth * chromaHeight;
}

/**
 * Converts packed RGBA pixels (`rgba`: widthPx × heightPx little-endian uint32, R in the low
 * byte) into `out` (i420Bytes long); allocates nothing. With a region (px, x1/y1 exclusive),
 * only the 2×2 blocks that touch it are written: the rest of `out` is left as it is, which
 * is right when those pixels did not change since `out` was last written.
 */
export function rgbaToI420(
  rgba: Uint32Array,
  widthPx: number,
  heightPx: number,
  out: Uint8Array,
  x0 = 0,
  y0 = 0,
  x1 = widthPx,
  y1 = heightPx,
): void {
  const chromaWidth = (widthPx + 1) >> 1;
  const chromaHeight = (heightPx + 1) >> 1;
  const cx0 = Math.max(0, Math.floor(x0) >> 1);
  const cx1 = Math.min(chromaWidth, (Math.ceil(x1) + 1) >> 1);
  const cy0 = Math.max(0, Math.floor(y0) >> 1);
  const cy1 = Math.min(chromaHeight, (Math.ceil(y1) + 1) >> 1);
  for (let cy = cy0; cy < cy1; cy++) convertBlocks(rgba, widthPx, heightPx, out, cy, cx0, cx1);
}

/**
 * Converts the 2×2 blocks cx0 ≤ cx < cx1 of chroma row `cy`: their (up to) four luma samples
 * and one U and one V each, reading every pixel once.
 */
function convertBlocks(
  rgba: Uint32Array,
  widthPx: number,
  heightPx: number,
  out: Uint8Array,
  cy: number,
  cx0: number,
  cx1: number,
): void {
  const chromaWidth = (widthPx + 1) >> 1;
  const chromaHeight = (heightPx + 1) >> 1;
  const uBase = widthPx * heightPx;
  const vBase = uBase + chromaWidth * chromaHeight;
  const y0 = cy * 2;
  const hasRow1 = y0 + 1 < heightPx;
  const row0 = y0 * widthPx;
  const row1 = hasRow1 ? row0 + widthPx : row0;
  let c = cy * chromaWidth + cx0;
  for (let cx = cx0; cx < cx1; cx++, c++) {
    const x0 = cx * 2;
    const hasX1 = x0 + 1 < widthPx;
    const x1 = hasX1 ? x0 + 1 : x0;
    const a = rgba[row0 + x0]!;
    const b = rgba[row0 + x1]!;
    const e = rgba[row1 + x0]!;
    const f = rgba[row1 + x1]!;
    out[row0 + x0] = luma(a);
    if (hasX1) out[row0 + x1] = luma(b);
    if (hasRow1) {
      out[row1 + x0] = luma(e);
      if (hasX1) out[row1 + x1] = luma(f);
    }
    // Average the 2×2 block first (rounded), as libyuv does.
    const r = ((a & 0xff) + (b & 0xff) + (e & 0xff) + (f & 0xff) + 2) >> 2;
    const g =
      (((a >>> 8) & 0xff) + ((b >>> 8) & 0xff) + ((e >>> 8) & 0xff) + ((f >>> 8) & 0xff) + 2) >> 2;
    const bl =
      (((a >>> 16) & 0xff) + ((b >>> 16) & 0xff) + ((e >>> 16) & 0xff) + ((f >>> 16) & 0xff) + 2) >>
      2;
    out[uBase + c] = ((-38 * r - 74 * g + 112 * bl + 128) >> 8) + 128;
    out[vBase + c] = ((112 * r - 94 * g - 18 * bl + 128) >> 8) + 128;
  }
}

function luma(p: number): number {
  return ((66 * (p & 0xff) + 129 * ((p >>> 8) & 0xff) + 25 * ((p >>> 16) & 0xff) + 128) >> 8) + 16;
}
