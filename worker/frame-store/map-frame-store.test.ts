import {
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAME_STORE_HEADER_BYTES } from '../../protocol/frame-store/frame-store-format';
import { HEADER_OFFSET } from '../../protocol/frame-store/frame-store-header';
import { testFace, testFrames } from '../testing/frame-store-test-frames';
import { mapFrameStore } from './map-frame-store';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';

const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-frame-store-map-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const W = 30;
const H = 20;
const COUNT = 5;

async function freshStore() {
  const dir = path.join(root, `d${dirCount++}`);
  const frames = testFrames(COUNT, W, H);
  await writeFrameStore({
    dir,
    name: 'clip',
    widthPx: W,
    heightPx: H,
    fps: 25,
    frames,
    faces: [testFace()],
    loop: 'forward',
  });
  return { dir, frames, data: path.join(dir, 'clip.frames') };
}

describe('mapFrameStore', () => {
  it('serves every frame byte-identical as a page-aligned view into the mapped file', async () => {
    const { dir, frames, data } = await freshStore();
    const store = await mapFrameStore(dir, 'clip');
    expect(store.dataPath).toBe(data);
    expect(store.manifest.frameCount).toBe(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const view = store.frame(i);
      expect(view.byteOffset % 4096).toBe(0);
      expect(Buffer.compare(view, frames[i]!)).toBe(0);
      // The same view every call: rendering allocates nothing.
      expect(store.frame(i)).toBe(view);
    }
    // One mapping of the whole file, not a copy per frame.
    expect(store.frame(0).buffer).toBe(store.frame(COUNT - 1).buffer);
    expect(store.frame(0).buffer.byteLength).toBe(store.manifest.dataBytes);
    expect(() => store.frame(COUNT)).toThrow(RangeError);
    store.close();
    expect(() => store.frame(0)).toThrow(/closed/);
  });

  it("checks the header by default and the sha256 only with verify: 'full'", async () => {
    const { dir, data } = await freshStore();
    const bytes = readFileSync(data);
    bytes[FRAME_STORE_HEADER_BYTES + 10]! ^= 0xff;
    writeFileSync(data, bytes);
    await expect(mapFrameStore(dir, 'clip')).resolves.toBeDefined();
    await expect(mapFrameStore(dir, 'clip', { verify: 'full' })).rejects.toMatchObject({
      code: 'corrupt',
    });
    await expect(mapFrameStore(dir, 'clip', { verify: 'full' })).rejects.toThrow(/sha256/);
    // A header that describes other frames is a mismatch even without the full check.
    // Same frame size, other shape: 60x10 instead of 30x20.
    bytes.writeUInt32LE(60, HEADER_OFFSET.widthPx);
    bytes.writeUInt32LE(10, HEADER_OFFSET.heightPx);
    writeFileSync(data, bytes);
    await expect(mapFrameStore(dir, 'clip')).rejects.toMatchObject({ code: 'mismatch' });
  });

  it('refuses a truncated or missing data file and reports a missing manifest', async () => {
    const { dir, data } = await freshStore();
    truncateSync(data, FRAME_STORE_HEADER_BYTES + 100);
    await expect(mapFrameStore(dir, 'clip')).rejects.toMatchObject({ code: 'corrupt' });
    await expect(mapFrameStore(dir, 'clip')).rejects.toThrow(/truncated/);
    truncateSync(data, 0);
    await expect(mapFrameStore(dir, 'clip')).rejects.toMatchObject({ code: 'corrupt' });
    unlinkSync(data);
    await expect(mapFrameStore(dir, 'clip')).rejects.toMatchObject({ code: 'corrupt' });
    await expect(mapFrameStore(dir, 'clip')).rejects.toThrow(/missing/);
    await expect(mapFrameStore(dir, 'other')).rejects.toMatchObject({ code: 'missing' });
  });
});
