/** A raw RGBA frame in memory: what preparation measures and the renderer draws on. */
export interface RgbaImage {
  /** widthPx × heightPx × 4 bytes, row-major, RGBA. */
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}
