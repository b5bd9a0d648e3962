import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FrameStoreError,
  type FrameStoreErrorCode,
} from '../../protocol/frame-store/frame-store-error';
import { HEADER_OFFSET } from '../../protocol/frame-store/frame-store-header';
import {
  openFrameStore,
  type OpenFrameStoreOptions,
} from '../../protocol/frame-store/read-frame-store';
import { testFace, testFrame, testFrames } from '../testing/frame-store-test-frames';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';

const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-frame-store-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;

const W = 30;
const H = 20;
const COUNT = 6;

/** Writes a fresh 6-frame store named 'clip' and returns its directory and file paths. */
async function freshStore() {
  const dir = path.join(root, `d${dirCount++}`);
  await writeFrameStore({
    dir,
    name: 'clip',
    widthPx: W,
    heightPx: H,
    fps: 30,
    frames: testFrames(COUNT, W, H),
    faces: testFrames(COUNT, 1, 1).map(() => testFace()),
    loop: 'pingpong',
  });
  return { dir, data: path.join(dir, 'clip.frames'), manifest: path.join(dir, 'clip.json') };
}

async function openError(
  dir: string,
  options?: OpenFrameStoreOptions,
): Promise<{ code: FrameStoreErrorCode; message: string }> {
  try {
    await openFrameStore(dir, 'clip', options);
  } catch (error) {
    if (error instanceof FrameStoreError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('openFrameStore succeeded on a damaged store');
}

function patchFile(filePath: string, patch: (bytes: Buffer) => void): void {
  const bytes = readFileSync(filePath);
  patch(bytes);
  writeFileSync(filePath, bytes);
}

function patchManifest(filePath: string, patch: (m: Record<string, unknown>) => void): void {
  const manifest = JSON.parse(readFileSync(filePath, 'utf8')) as Record<string, unknown>;
  patch(manifest);
  writeFileSync(filePath, JSON.stringify(manifest));
}

describe('openFrameStore', () => {
  it('reads back every frame byte-identical, as views into one aligned backing store', async () => {
    const { dir } = await freshStore();
    const store = await openFrameStore(dir, 'clip');
    expect(store.manifest).toMatchObject({ frameCount: COUNT, widthPx: W, heightPx: H, fps: 30 });
    expect(store.manifest.faces).toHaveLength(COUNT);
    const frames = Array.from({ length: COUNT }, (_, i) => store.frame(i));
    const backing = frames[0]?.buffer;
    frames.forEach((frame, i) => {
      expect(Buffer.compare(frame, testFrame(i, W, H))).toBe(0);
      expect(frame.buffer).toBe(backing);
      expect(frame.byteLength).toBe(W * H * 4);
      expect(frame.byteOffset % 4096).toBe(0);
      expect(frame.byteOffset).toBe(4096 * (i + 1));
    });
    // A view, not a copy: the same bytes come back on every call.
    expect(store.frame(2).byteOffset).toBe(frames[2]?.byteOffset);
    expect(() => store.frame(COUNT)).toThrow(RangeError);
    expect(() => store.frame(-1)).toThrow(RangeError);
    store.close();
    store.close();
    expect(() => store.frame(0)).toThrow(/closed/);
  });

  it("detects one flipped frame byte with 'full' verify, which 'header' does not read", async () => {
    const { dir, data } = await freshStore();
    patchFile(data, (bytes) => {
      const at = 4096 * 4 + 1234;
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    });
    const error = await openError(dir, { verify: 'full' });
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/sha256/);
    expect((await openError(dir)).code).toBe('corrupt'); // full is the default
    const store = await openFrameStore(dir, 'clip', { verify: 'header' });
    expect(store.manifest.frameCount).toBe(COUNT);
  });

  it('calls a truncated or extended data file corrupt, in either verify mode', async () => {
    const { dir, data } = await freshStore();
    truncateSync(data, 4096 * COUNT + 100);
    for (const verify of ['full', 'header'] as const) {
      const error = await openError(dir, { verify });
      expect(error.code).toBe('corrupt');
      expect(error.message).toMatch(/truncated/);
    }
    truncateSync(data, 4096 * (COUNT + 2));
    expect((await openError(dir, { verify: 'header' })).code).toBe('corrupt');
    truncateSync(data, 10);
    expect((await openError(dir, { verify: 'header' })).code).toBe('corrupt');
  });

  it('calls a wrong magic corrupt', async () => {
    const { dir, data } = await freshStore();
    patchFile(data, (bytes) => bytes.write('NOTFRAME', 0, 'latin1'));
    const error = await openError(dir, { verify: 'header' });
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/magic/);
  });

  it('refuses format version 2 in the manifest or in the data file', async () => {
    const a = await freshStore();
    patchManifest(a.manifest, (m) => (m.version = 2));
    expect((await openError(a.dir)).code).toBe('version');

    const b = await freshStore();
    patchFile(b.data, (bytes) => bytes.writeUInt32LE(2, HEADER_OFFSET.version));
    expect((await openError(b.dir, { verify: 'header' })).code).toBe('version');
  });

  it('calls a data file that describes other frames than the manifest a mismatch', async () => {
    const { dir, data } = await freshStore();
    // Same length, different shape: 60x10 has the same frame size as 30x20.
    patchFile(data, (bytes) => {
      bytes.writeUInt32LE(60, HEADER_OFFSET.widthPx);
      bytes.writeUInt32LE(10, HEADER_OFFSET.heightPx);
    });
    const error = await openError(dir, { verify: 'header' });
    expect(error.code).toBe('mismatch');
    expect(error.message).toMatch(/widthPx 60 != 30/);
  });

  it("reports 'missing' when there is no manifest", async () => {
    const { dir, manifest } = await freshStore();
    expect((await openError(path.join(root, 'nowhere'))).code).toBe('missing');
    rmSync(manifest);
    expect((await openError(dir)).code).toBe('missing');
  });

  it("never serves a half store: data without a manifest (a crash before the commit) is 'missing'", async () => {
    const complete = await freshStore();
    const crashed = path.join(root, `crashed${dirCount++}`);
    mkdirSync(crashed);
    // The writer renames the data file into place before the manifest; a crash in between
    // leaves exactly this.
    copyFileSync(complete.data, path.join(crashed, 'clip.frames'));
    for (const verify of ['full', 'header'] as const) {
      expect((await openError(crashed, { verify })).code).toBe('missing');
    }
  });

  it('calls a manifest without its data file, unparsable or inconsistent, corrupt', async () => {
    const a = await freshStore();
    rmSync(a.data);
    expect((await openError(a.dir)).code).toBe('corrupt');

    const b = await freshStore();
    writeFileSync(b.manifest, '{"format": "facecast-frames", "versi');
    expect((await openError(b.dir)).code).toBe('corrupt');

    const c = await freshStore();
    patchManifest(c.manifest, (m) => (m.frameCount = COUNT - 1));
    expect((await openError(c.dir)).code).toBe('corrupt');

    const d = await freshStore();
    patchManifest(d.manifest, (m) => (m.dataFile = '../d0/clip.frames'));
    expect((await openError(d.dir)).code).toBe('corrupt');
  });
});
