import { readFileSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameStoreError } from '../../protocol/frame-store/frame-store-error';
import { FRAME_STORE_HEADER_BYTES } from '../../protocol/frame-store/frame-store-format';
import { testFace, testFrames } from '../testing/frame-store-test-frames';
import { StoreRegistry } from './store-registry';
import { writeFrameStore } from '../../protocol/frame-store/write-frame-store';
import { longestEventLoopGap } from '../../protocol/testing/event-loop-gap';

// Not tmpfs (here /tmp is ext4): shared memory pages could not be evicted.
const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-store-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A store of `count` 512×512 frames (1 MiB each). */
async function makeStore(name: string, count: number, seed = 0) {
  await writeFrameStore({
    dir: root,
    name,
    widthPx: 512,
    heightPx: 512,
    fps: 25,
    frames: testFrames(count + seed, 512, 512).slice(seed),
    faces: [testFace()],
    loop: 'pingpong',
  });
  return { dir: root, name, data: path.join(root, `${name}.frames`) };
}

/** Gives the data file a fixed mtime (whole seconds, so it can be restored exactly). */
const pinMtime = (data: string) => utimesSync(data, 1_000_000_000, 1_000_000_000);

/** Flips one frame byte but keeps size and (pinned) mtime, as silent disk damage would. */
function damageQuietly(data: string) {
  const bytes = readFileSync(data);
  bytes[FRAME_STORE_HEADER_BYTES + 12345]! ^= 0xff;
  writeFileSync(data, bytes);
  pinMtime(data);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StoreRegistry', () => {
  it('verifies a store once per host and shares the verdict', async () => {
    const ref = await makeStore('once', 4);
    pinMtime(ref.data);
    const registry = new StoreRegistry();
    const [a, b] = await Promise.all([registry.acquire(ref), registry.acquire(ref)]);
    expect(registry.stats()).toMatchObject([{ path: ref.data, users: 2 }]);
    // Damage that keeps the file's identity is not seen again: the sha256 ran once.
    damageQuietly(ref.data);
    const c = await registry.acquire(ref);
    expect(registry.stats()[0]!.users).toBe(3);
    for (const lease of [a, b, c]) lease.release();
    a.release();
    expect(registry.stats()[0]!.users).toBe(0);
    // A fresh host (registry) verifies in full and refuses it.
    await expect(new StoreRegistry().acquire(ref)).rejects.toMatchObject({
      name: 'FrameStoreError',
      code: 'corrupt',
    });
    registry.close();
  });

  it('rejects a damaged store for every concurrent caller with one error, and accepts it rebuilt', async () => {
    const ref = await makeStore('damaged', 3);
    damageQuietly(ref.data);
    const registry = new StoreRegistry();
    const errors = await Promise.all(
      [1, 2].map(() => registry.acquire(ref).catch((e: unknown) => e)),
    );
    expect(errors[0]).toBeInstanceOf(FrameStoreError);
    expect((errors[0] as FrameStoreError).code).toBe('corrupt');
    expect((errors[0] as Error).message).toMatch(/sha256/);
    expect(errors[1]).toBe(errors[0]);
    expect(registry.stats()).toEqual([]);
    await makeStore('damaged', 3, 1);
    (await registry.acquire(ref)).release();
    await expect(registry.acquire({ dir: root, name: 'absent' })).rejects.toMatchObject({
      code: 'missing',
    });
    registry.close();
  });

  it('evicts a store from the page cache once nobody has used it for evictAfterMs', async () => {
    const ref = await makeStore('evict', 24);
    const registry = new StoreRegistry({ evictAfterMs: 100 });
    const lease = await registry.acquire(ref);
    // Verification read the whole file through the page cache.
    const bytes = statSync(ref.data).size;
    expect(registry.stats()[0]!.residentBytes).toBeGreaterThan(bytes * 0.9);
    await sleep(250);
    expect(registry.stats()[0]!.residentBytes).toBeGreaterThan(bytes * 0.9);
    lease.release();
    // Re-acquired before the deadline: kept.
    const again = await registry.acquire(ref);
    again.release();
    await sleep(50);
    expect(registry.stats()[0]!.residentBytes).toBeGreaterThan(bytes * 0.9);
    await sleep(200);
    expect(registry.stats()[0]).toMatchObject({ users: 0, bytes });
    expect(registry.stats()[0]!.residentBytes).toBeLessThan(bytes * 0.1);
    // A store deleted while idle is forgotten at its eviction.
    (await registry.acquire(ref)).release();
    rmSync(ref.data);
    await sleep(200);
    expect(registry.stats()).toEqual([]);
    registry.close();
  });

  it('keeps the event loop free while it hashes a large store', async () => {
    const ref = await makeStore('large', 64);
    const registry = new StoreRegistry();
    const {
      result: lease,
      tookMs,
      gapMs: maxGapMs,
    } = await longestEventLoopGap(() => registry.acquire(ref));
    lease.release();
    registry.close();
    // Hashing 64 MiB takes well over 100 ms; no single stall comes near it.
    expect(maxGapMs).toBeLessThan(Math.max(60, tookMs / 3));
  });
});
