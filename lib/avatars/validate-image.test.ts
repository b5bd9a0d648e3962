import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makePngBomb } from '../testing/test-media';
import { sniffImageType, validateImage } from './validate-image';

const MB = 1024 * 1024;

async function photo(format: 'jpeg' | 'png' | 'webp') {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#c08060' } })
    .toFormat(format)
    .toBuffer();
}

describe('validateImage', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('accepts %s and reports its size', async (format) => {
    const result = await validateImage(await photo(format), 10 * MB);
    expect(result.contentType).toBe(`image/${format}`);
    expect([result.widthPx, result.heightPx]).toEqual([64, 48]);
  });

  it('refuses a file that is not an image whatever its name, with 415', async () => {
    await expect(
      validateImage(new TextEncoder().encode('%PDF-1.7 hello'), MB),
    ).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    expect(sniffImageType(gif)).toBeNull();
  });

  it('refuses a truncated JPEG as unreadable', async () => {
    const big = await sharp({
      create: {
        width: 400,
        height: 400,
        channels: 3,
        background: '#888',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    await expect(validateImage(big.subarray(0, big.length / 2), 10 * MB)).rejects.toMatchObject({
      code: 'unprocessable',
    });
  });

  it('refuses oversize and empty files', async () => {
    const image = await photo('png');
    await expect(validateImage(image, image.length - 1)).rejects.toMatchObject({ status: 413 });
    await expect(validateImage(new Uint8Array(), MB)).rejects.toMatchObject({ status: 422 });
  });

  it('refuses a 30 000 × 30 000 PNG bomb from its header with 422, memory flat', async () => {
    const bomb = await makePngBomb(30_000, 30_000);
    expect(bomb.length).toBeLessThan(MB);
    const rssBefore = process.memoryUsage().rss;
    await expect(validateImage(bomb, 10 * MB)).rejects.toMatchObject({
      status: 422,
      message: /30000 × 30000 pixels; the largest accepted is 50 megapixels/,
    });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
  }, 30_000);
});
