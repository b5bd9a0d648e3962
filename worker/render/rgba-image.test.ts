import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticImage, writeSyntheticAvatar } from '../testing/synthetic-avatar';
import { loadRgbaImage } from './rgba-image';

const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-rgba-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadRgbaImage', () => {
  it('decodes the prepared PNG to the exact RGBA pixels', async () => {
    const avatar = await writeSyntheticAvatar(path.join(dir, 'a.png'));
    const image = await loadRgbaImage(avatar.framePath, avatar);
    expect(image.widthPx).toBe(512);
    expect(Buffer.compare(Buffer.from(image.data), Buffer.from(syntheticImage().data))).toBe(0);
  });

  it('refuses a frame whose size differs from the landmarks', async () => {
    const avatar = await writeSyntheticAvatar(path.join(dir, 'b.png'));
    await expect(loadRgbaImage(avatar.framePath, { widthPx: 256, heightPx: 256 })).rejects.toThrow(
      /expected 256x256/,
    );
  });
});
