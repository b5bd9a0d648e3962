import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticImage, writeSyntheticAvatar } from '../testing/synthetic-avatar';
import { frameStoreFromPrepared } from './frame-store-from-prepared';
import { openFrameStore } from '../../protocol/frame-store/read-frame-store';

const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-frame-store-prepared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frameStoreFromPrepared', () => {
  it("stores the prepared PNG's exact RGBA pixels and face as a one-frame store", async () => {
    const avatar = await writeSyntheticAvatar(path.join(dir, 'portrait.png'), 'avatar-1');
    const written = await frameStoreFromPrepared({ avatar, dir: path.join(dir, 'stores') });
    expect(written).toMatchObject({ frameCount: 1, widthPx: 512, heightPx: 512, fps: 25 });

    const store = await openFrameStore(path.join(dir, 'stores'), 'avatar-1');
    expect(store.manifest).toEqual(written);
    expect(store.manifest.faces).toEqual([avatar.face]);
    // The renderer's measurements come along, so a session need not measure at start.
    expect(store.manifest.appearance?.mesh.vertices.length).toBeGreaterThan(0);
    const frame = store.frame(0);
    expect(frame.byteLength).toBe(512 * 512 * 4);
    expect(Buffer.compare(frame, syntheticImage().data)).toBe(0);
  });

  it('refuses a PNG whose size differs from the avatar geometry', async () => {
    const avatar = await writeSyntheticAvatar(path.join(dir, 'other.png'), 'avatar-2');
    await expect(
      frameStoreFromPrepared({ avatar: { ...avatar, widthPx: 256 }, dir, name: 'wrong' }),
    ).rejects.toThrow(/expected 256x512/);
  });
});
