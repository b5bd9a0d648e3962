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
 * byte) into `out` (i420Bytes long); allocates nothing.
 */
export function rgbaToI420(
  rgba: Uint32Array,
  widthPx: number,
  heightPx: number,
  out: Uint8Array,
): void {
  const chromaWidth = (widthPx + 1) >> 1;
  const chromaHeight = (heightPx + 1) >> 1;
  const uBase = widthPx * heightPx;
  const vBase = uBase + chromaWidth * chromaHeight;
  const n = widthPx * heightPx;
  for (let i = 0; i < n; i++) {
    const p = rgba[i]!;
    out[i] =
      ((66 * (p & 0xff) + 129 * ((p >>> 8) & 0xff) + 25 * ((p >>> 16) & 0xff) + 128) >> 8) + 16;
  }
  for (let cy = 0; cy < chromaHeight; cy++) {
    const row0 = cy * 2 * widthPx;
    const row1 = Math.min(heightPx - 1, cy * 2 + 1) * widthPx;
    let c = cy * chromaWidth;
    for (let cx = 0; cx < chromaWidth; cx++, c++) {
      const x0 = cx * 2;
      const x1 = x0 + 1 < widthPx ? x0 + 1 : x0;
      const a = rgba[row0 + x0]!;
      const b = rgba[row0 + x1]!;
      const e = rgba[row1 + x0]!;
      const f = rgba[row1 + x1]!;
      // Average the 2×2 block first (rounded), as libyuv does.
      const r = ((a & 0xff) + (b & 0xff) + (e & 0xff) + (f & 0xff) + 2) >> 2;
      const g =
        (((a >>> 8) & 0xff) + ((b >>> 8) & 0xff) + ((e >>> 8) & 0xff) + ((f >>> 8) & 0xff) + 2) >>
        2;
      const bl =
        (((a >>> 16) & 0xff) +
          ((b >>> 16) & 0xff) +
          ((e >>> 16) & 0xff) +
          ((f >>> 16) & 0xff) +
          2) >>
        2;
      out[uBase + c] = ((-38 * r - 74 * g + 112 * bl + 128) >> 8) + 128;
      out[vBase + c] = ((112 * r - 94 * g - 18 * bl + 128) >> 8) + 128;
    }
  }
}
