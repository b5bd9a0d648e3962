/** A contact sheet of a rendered clip: a grid of frames spread evenly across it, as a PNG. */
import sharp from 'sharp';

export interface ContactSheetLayout {
  columns: number;
  rows: number;
}

/** The frame indices a columns × rows sheet shows: first to last, evenly spaced. */
export function contactSheetFrames(frameCount: number, layout: ContactSheetLayout): number[] {
  const tiles = layout.columns * layout.rows;
  if (frameCount < 1) return [];
  return Array.from({ length: tiles }, (_, i) =>
    tiles === 1 ? 0 : Math.round((i * (frameCount - 1)) / (tiles - 1)),
  );
}

export interface ContactSheetOptions extends ContactSheetLayout {
  /** RGBA frames in reading order (left to right, top to bottom), all widthPx × heightPx. */
  frames: Uint8Array[];
  widthPx: number;
  heightPx: number;
  /** Width of one tile in the sheet, px (height keeps the frame's aspect ratio). */
  tileWidthPx: number;
  /** Gap between tiles and around the sheet, px. */
  gapPx?: number;
}

/** Lays the frames out in a grid on a dark background and returns the PNG bytes. */
export async function contactSheetPng(options: ContactSheetOptions): Promise<Buffer> {
  const { columns, rows, widthPx, heightPx, tileWidthPx, gapPx = 4 } = options;
  const tileHeightPx = Math.round((tileWidthPx * heightPx) / widthPx);
  const tiles = await Promise.all(
    options.frames.slice(0, columns * rows).map(async (frame, i) => ({
      input: await sharp(frame, { raw: { width: widthPx, height: heightPx, channels: 4 } })
        .resize(tileWidthPx, tileHeightPx, { kernel: 'lanczos3' })
        .png()
        .toBuffer(),
      left: gapPx + (i % columns) * (tileWidthPx + gapPx),
      top: gapPx + Math.floor(i / columns) * (tileHeightPx + gapPx),
    })),
  );
  return sharp({
    create: {
      width: gapPx + columns * (tileWidthPx + gapPx),
      height: gapPx + rows * (tileHeightPx + gapPx),
      channels: 3,
      background: '#202020',
    },
  })
    .composite(tiles)
    .png({ compressionLevel: 9 })
    .toBuffer();
}
