import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFrameStore } from '../../protocol/frame-store/read-frame-store';
import { testFace, testFrame, testFrames } from '../testing/frame-store-test-frames';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { syntheticImage } from '../testing/synthetic-avatar';

const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-frame-store-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => path.join(root, `d${dirCount++}`);

const W = 30;
const H = 20;
const FRAME_BYTES = W * H * 4;

async function* streamed(count: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    await Promise.resolve();
    yield testFrame(i, W, H);
  }
}

describe('writeFrameStore', () => {
  it('streams frames into a page-aligned data file with the manifest beside it', async () => {
    const dir = freshDir();
    const manifest = await writeFrameStore({
      dir,
      name: 'clip',
      widthPx: W,
      heightPx: H,
      fps: 25,
      frames: streamed(5),
      faces: [testFace()],
      loop: 'pingpong',
      now: () => new Date('2025-06-01T12:00:00Z'),
    });
    expect(manifest).toMatchObject({
      format: 'facecast-frames',
      version: 1,
      frameCount: 5,
      frameBytes: FRAME_BYTES,
      dataFile: 'clip.frames',
      dataBytes: 4096 * 6,
      headerBytes: 4096,
      loop: 'pingpong',
      createdAt: '2025-06-01T12:00:00.000Z',
    });
    expect(readdirSync(dir).sort()).toEqual(['clip.frames', 'clip.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'clip.json'), 'utf8'))).toEqual(manifest);

    const data = readFileSync(path.join(dir, 'clip.frames'));
    expect(data.byteLength).toBe(manifest.dataBytes);
    expect(data.subarray(0, 8).toString('latin1')).toBe('FCFRAMES');
    expect(data.readUInt32LE(28)).toBe(5);
    for (let i = 0; i < 5; i++) {
      const offset = 4096 * (i + 1);
      expect(Buffer.compare(data.subarray(offset, offset + FRAME_BYTES), testFrame(i, W, H))).toBe(
        0,
      );
      expect(data.subarray(offset + FRAME_BYTES, offset + 4096).every((b) => b === 0)).toBe(true);
    }
    const sha = createHash('sha256').update(data.subarray(4096)).digest('hex');
    expect(manifest.checksum).toEqual({ algorithm: 'sha256', value: sha });
  });

  it('replaces an existing store with the new frames', async () => {
    const dir = freshDir();
    const base = { dir, name: 'a', widthPx: W, heightPx: H, fps: 25, loop: 'forward' as const };
    await writeFrameStore({ ...base, frames: testFrames(2, W, H), faces: [testFace()] });
    const second = testFrames(4, W, H).reverse();
    await writeFrameStore({ ...base, frames: second, faces: [testFace()] });
    const store = await openFrameStore(dir, 'a');
    expect(store.manifest.frameCount).toBe(4);
    expect(Buffer.compare(store.frame(0), testFrame(3, W, H))).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['a.frames', 'a.json']);
  });

  it('round-trips the measured appearance through the manifest', async () => {
    const dir = freshDir();
    const appearance = measureAppearance(syntheticImage(), testFace());
    const base = { dir, name: 'a', widthPx: W, heightPx: H, fps: 25, loop: 'forward' as const };
    await writeFrameStore({
      ...base,
      frames: testFrames(2, W, H),
      faces: [testFace()],
      appearance,
    });
    const store = await openFrameStore(dir, 'a');
    expect(store.manifest.appearance).toEqual(appearance);
    // Without one the field is simply absent (older stores read the same way).
    await writeFrameStore({ ...base, frames: testFrames(2, W, H), faces: [testFace()] });
    expect((await openFrameStore(dir, 'a')).manifest.appearance).toBeUndefined();
  });

  it('keeps the previous store intact and leaves no temp files when a write fails', async () => {
    const dir = freshDir();
    const base = { dir, name: 'a', widthPx: W, heightPx: H, fps: 25, loop: 'forward' as const };
    await writeFrameStore({ ...base, frames: testFrames(2, W, H), faces: [testFace()] });
    const bad = [testFrame(0, W, H), new Uint8Array(FRAME_BYTES - 1)];
    await expect(writeFrameStore({ ...base, frames: bad, faces: [testFace()] })).rejects.toThrow(
      /frame 1 is 2399 bytes, expected 2400/,
    );
    const faces = [testFace(), testFace()];
    await expect(writeFrameStore({ ...base, frames: testFrames(3, W, H), faces })).rejects.toThrow(
      /faces has 2 entries for 3 frames/,
    );
    expect(readdirSync(dir).sort()).toEqual(['a.frames', 'a.json']);
    const store = await openFrameStore(dir, 'a');
    expect(store.manifest.frameCount).toBe(2);
    expect(Buffer.compare(store.frame(1), testFrame(1, W, H))).toBe(0);
  });

  it('leaves no store at all when the first write fails', async () => {
    const dir = freshDir();
    const base = { dir, name: 'a', widthPx: W, heightPx: H, fps: 25, loop: 'forward' as const };
    await expect(writeFrameStore({ ...base, frames: [], faces: [testFace()] })).rejects.toThrow(
      /at least one frame/,
    );
    expect(readdirSync(dir)).toEqual([]);
    await expect(openFrameStore(dir, 'a')).rejects.toMatchObject({ code: 'missing' });
  });

  it('refuses names that are not plain file names', async () => {
    const base = { dir: freshDir(), widthPx: W, heightPx: H, fps: 25, loop: 'forward' as const };
    for (const name of ['../escape', 'a/b', '.hidden', '']) {
      await expect(
        writeFrameStore({ ...base, name, frames: testFrames(1, W, H), faces: [testFace()] }),
      ).rejects.toThrow();
    }
  });
});
