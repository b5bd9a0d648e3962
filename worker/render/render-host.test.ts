import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameStoreError } from '../../protocol/frame-store/frame-store-error';
import { mappedFileMemory } from '../native/proc-smaps';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';
import { syntheticAvatar, syntheticImage } from '../testing/synthetic-avatar';
import { NEUTRAL_POSE, pose } from '../visemes/mouth-pose';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer } from './face-renderer';
import { createRenderHost, prewarmRenderThread } from './render-host';

const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-render-host-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const image = syntheticImage();
const face = syntheticAvatar('unused.png').face;

async function store(name: string) {
  await writeFrameStore({
    dir: root,
    name,
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    fps: 25,
    frames: [image.data],
    faces: [face],
    loop: 'pingpong',
  });
}

describe('render host (worker thread)', () => {
  it('renders frames on its thread exactly as the renderer does here, reusing pooled buffers', async () => {
    await store('still');
    const host = await createRenderHost({
      storeDir: root,
      storeName: 'still',
      format: 'i420',
      poolSize: 2,
    });
    try {
      expect(host).toMatchObject({ widthPx: 512, heightPx: 512, fps: 25, frameCount: 1 });
      expect(host.frameBytes).toBe(512 * 512 * 1.5);
      // The store has no appearance, so the thread measured it: the same as measuring here.
      const local = new FaceRenderer({
        frames: { frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [face] },
        widthPx: 512,
        heightPx: 512,
        appearance: measureAppearance(image, face),
        format: 'i420',
      });
      const expected = new Uint8Array(local.frameBytes);
      const inputs = [0, 0.5, 1].map((jawOpen, tick) => ({
        tick,
        timeMs: tick * 40,
        pose: pose({ jawOpen, lipClosure: 0 }),
        eyesClosed: tick === 2 ? 1 : 0,
      }));
      for (const input of inputs) {
        const frame = await host.render(input);
        local.render(expected, input);
        expect(Buffer.compare(frame, expected)).toBe(0);
        host.release(frame);
      }
      // Two frames out and none released: the pool is empty and says what to do.
      const a = await host.render({ ...inputs[0]!, pose: NEUTRAL_POSE });
      const b = await host.render({ ...inputs[1]! });
      await expect(host.render(inputs[2]!)).rejects.toThrow(/release\(\) each frame/);
      expect(Buffer.compare(a, b)).not.toBe(0);
      host.release(a);
      host.release(b);
      expect((await host.render(inputs[2]!)).byteLength).toBe(host.frameBytes);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('opens the store in a prewarmed thread, once; a used or dead thread is replaced', async () => {
    await store('prewarmed');
    const direct = await createRenderHost({
      storeDir: root,
      storeName: 'prewarmed',
      format: 'i420',
    });
    const thread = await prewarmRenderThread();
    expect(thread.available).toBe(true);
    const host = await createRenderHost({
      storeDir: root,
      storeName: 'prewarmed',
      format: 'i420',
      thread,
    });
    try {
      // Taken over: a second host cannot share it and starts its own thread.
      expect(thread.available).toBe(false);
      expect(host).toMatchObject({ widthPx: 512, heightPx: 512, fps: 25, frameCount: 1 });
      const input = {
        tick: 3,
        timeMs: 120,
        pose: pose({ jawOpen: 0.7, lipClosure: 0 }),
        eyesClosed: 0,
      };
      const fromPrewarmed = await host.render(input);
      const fromDirect = await direct.render(input);
      expect(Buffer.compare(fromPrewarmed, fromDirect)).toBe(0);
      host.release(fromPrewarmed);
      direct.release(fromDirect);
      const again = await createRenderHost({
        storeDir: root,
        storeName: 'prewarmed',
        format: 'i420',
        thread,
      });
      expect(again.frameCount).toBe(1);
      await again.close();
    } finally {
      await host.close();
      await direct.close();
    }
    // A prewarmed thread closed before use is not handed out; the host starts a new one.
    const closed = await prewarmRenderThread();
    await closed.close();
    expect(closed.available).toBe(false);
    const fresh = await createRenderHost({
      storeDir: root,
      storeName: 'prewarmed',
      format: 'i420',
      thread: closed,
    });
    expect(
      (await fresh.render({ tick: 0, timeMs: 0, pose: NEUTRAL_POSE, eyesClosed: 0 })).byteLength,
    ).toBe(fresh.frameBytes);
    await fresh.close();
  }, 60_000);

  it('reports a bad store from a prewarmed thread as FrameStoreError', async () => {
    const thread = await prewarmRenderThread();
    await expect(
      createRenderHost({ storeDir: root, storeName: 'no-such-store', format: 'i420', thread }),
    ).rejects.toMatchObject({ name: 'FrameStoreError', code: 'missing' });
  }, 30_000);

  it('plays a video store back and forth, one face per frame', async () => {
    // Three frames: the synthetic face moved right by 0, 4 and 8 px, landmarks with it.
    const shifts = [0, 4, 8];
    const w = image.widthPx;
    const frames = shifts.map((dx) => {
      const data = new Uint8Array(image.data.length);
      for (let y = 0; y < image.heightPx; y++)
        data.set(image.data.subarray(y * w * 4, (y * w + w - dx) * 4), (y * w + dx) * 4);
      return data;
    });
    const faces = shifts.map((dx) => ({
      box: { ...face.box, x: face.box.x + dx },
      landmarks: face.landmarks.map((p): [number, number] => [p[0] + dx, p[1]]),
    }));
    await writeFrameStore({
      dir: root,
      name: 'video',
      widthPx: w,
      heightPx: image.heightPx,
      fps: 25,
      frames,
      faces,
      loop: 'pingpong',
    });
    const host = await createRenderHost({ storeDir: root, storeName: 'video', format: 'rgba' });
    try {
      expect(host.frameCount).toBe(3);
      for (const [tick, index] of [0, 1, 2, 1, 0, 1].entries()) {
        const frame = await host.render({
          tick,
          timeMs: tick * 40,
          pose: NEUTRAL_POSE,
          eyesClosed: 0,
        });
        // Neutral pose, no synthetic sway on a video: exactly the loop frame for this tick.
        let maxDiff = 0;
        for (let i = 0; i < frame.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs(frame[i]! - frames[index]![i]!));
        expect(maxDiff).toBeLessThanOrEqual(1);
        host.release(frame);
      }
    } finally {
      await host.close();
    }
  }, 60_000);

  it('reports a missing or damaged store with the frame store error code', async () => {
    await expect(
      createRenderHost({ storeDir: root, storeName: 'nothing', format: 'rgba' }),
    ).rejects.toMatchObject({ name: 'FrameStoreError', code: 'missing' });
    await store('damaged');
    const data = path.join(root, 'damaged.frames');
    const bytes = Buffer.alloc(4096 + 512 * 512 * 4, 7);
    bytes.write('FCFRAMES', 0, 'latin1');
    writeFileSync(data, bytes);
    const error: unknown = await createRenderHost({
      storeDir: root,
      storeName: 'damaged',
      format: 'rgba',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameStoreError);
    expect((error as FrameStoreError).code).not.toBe('missing');
  }, 60_000);

  it('maps the store (one mapping per host, gone after close) and hashes it only when asked', async () => {
    await store('mapped');
    const data = path.join(root, 'mapped.frames');
    const mappings = () =>
      readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(data)).length;
    const host = await createRenderHost({ storeDir: root, storeName: 'mapped', format: 'rgba' });
    expect(mappings()).toBe(1);
    await host.close();
    expect(mappings()).toBe(0);

    // One flipped frame byte: the default header check serves it (the host's registry has
    // verified the store once), verify: 'full' refuses it.
    const bytes = readFileSync(data);
    bytes[4096 + 1000]! ^= 0xff;
    writeFileSync(data, bytes);
    const unchecked = await createRenderHost({
      storeDir: root,
      storeName: 'mapped',
      format: 'rgba',
    });
    await unchecked.close();
    await expect(
      createRenderHost({ storeDir: root, storeName: 'mapped', format: 'rgba', verify: 'full' }),
    ).rejects.toMatchObject({ name: 'FrameStoreError', code: 'corrupt' });
  }, 60_000);

  it('two sessions of one video avatar hold its frames once', async () => {
    // 16 frames of 1 MiB: each host draws every one, so both map the whole store.
    const count = 16;
    const frames = Array.from({ length: count }, (_, i) => {
      const data = new Uint8Array(image.data);
      for (let p = 0; p < data.length; p += 4096) data[p] = i;
      return data;
    });
    await writeFrameStore({
      dir: root,
      name: 'two-sessions',
      widthPx: image.widthPx,
      heightPx: image.heightPx,
      fps: 25,
      frames,
      faces: [face],
      loop: 'forward',
    });
    const data = path.join(root, 'two-sessions.frames');
    const open = () =>
      createRenderHost({ storeDir: root, storeName: 'two-sessions', format: 'i420' });
    const hosts = [await open(), await open()];
    try {
      for (let tick = 0; tick < count; tick++) {
        for (const host of hosts) {
          const input = { tick, timeMs: tick * 40, pose: NEUTRAL_POSE, eyesClosed: 0 };
          host.release(await host.render(input));
        }
      }
      const memory = await mappedFileMemory('self', data);
      const storeBytes = 4096 + count * 512 * 512 * 4;
      expect(memory.mappings).toBe(2);
      // Both threads' mappings have the store resident (Rss counts it twice) ...
      expect(memory.rssBytes).toBeGreaterThan(storeBytes * 1.9);
      // ... but it is one copy in RAM: reading it into each thread would be two.
      expect(memory.pssBytes).toBeLessThan(storeBytes * 1.1);
    } finally {
      await Promise.all(hosts.map((host) => host.close()));
    }
  }, 60_000);
});
