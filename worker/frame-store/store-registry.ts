/**
 * The worker host's view of the frame stores its sessions map: each store's sha256 is
 * verified once per host (not at every session start), and a store no session has used for
 * a while is evicted from the page cache, so idle avatars stop holding RAM.
 *
 * Sessions map stores themselves (map-frame-store.ts, verify 'header'); the host acquires a
 * store before it starts a session on it and releases it when the session ends.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { evictFile, residentBytes } from '../native/mmap';
import { FrameStoreError, isErrno } from '../../protocol/frame-store/frame-store-error';
import {
  FRAME_STORE_HEADER_BYTES,
  manifestFileName,
} from '../../protocol/frame-store/frame-store-format';
import { checkHeader, readManifest } from '../../protocol/frame-store/read-frame-store';

export interface StoreRef {
  /** Frame store directory and name (docs/frame-store.md). */
  dir: string;
  name: string;
}

export interface StoreLease {
  /** Ends this use of the store; idempotent. */
  release(): void;
}

export interface StoreStats {
  /** Real path of the store's data file. */
  path: string;
  /** Size of the data file, bytes. */
  bytes: number;
  /** Leases now held. */
  users: number;
  /** Bytes of the data file in the page cache (shared by every process mapping it). */
  residentBytes: number;
}

export interface StoreRegistryOptions {
  /** How long a store nobody uses stays cached before it is evicted, ms (default 30 000). */
  evictAfterMs?: number;
}

interface Entry {
  key: string;
  path: string;
  bytes: number;
  users: number;
  /** Settles once the full verification is done; shared by concurrent acquires. */
  verified: Promise<void>;
  evictTimer: NodeJS.Timeout | undefined;
}

/** Bytes hashed per read: large enough to be fast, small enough to keep the event loop free. */
const VERIFY_CHUNK_BYTES = 1 << 20;

export class StoreRegistry {
  private readonly evictAfterMs: number;
  /** By identity of the data file: real path, inode, size and mtime (a rebuild changes it). */
  private readonly entries = new Map<string, Entry>();

  constructor(options: StoreRegistryOptions = {}) {
    this.evictAfterMs = options.evictAfterMs ?? 30_000;
    if (!(this.evictAfterMs >= 0)) {
      throw new RangeError(`evictAfterMs must be ≥ 0, got ${this.evictAfterMs}`);
    }
  }

  /**
   * Takes a lease on a store. The first acquire of a store (per data file identity) checks
   * its manifest, header and full sha256 without blocking the event loop (async 1 MB reads);
   * later acquires reuse that verdict. Rejects with FrameStoreError ('missing', 'corrupt',
   * 'version', 'mismatch') for a store that must not be rendered.
   */
  async acquire(ref: StoreRef): Promise<StoreLease> {
    const manifestPath = path.join(ref.dir, manifestFileName(ref.name));
    const manifest = await readManifest(manifestPath);
    const dataPath = path.resolve(ref.dir, manifest.dataFile);
    let real: string;
    let identity: { ino: number; size: number; mtimeMs: number };
    try {
      real = await realpath(dataPath);
      const file = await open(real, 'r');
      try {
        identity = await file.stat();
      } finally {
        await file.close();
      }
    } catch (error) {
      if (isErrno(error, 'ENOENT')) {
        throw new FrameStoreError('corrupt', `frame store data file ${dataPath} is missing`, {
          cause: error,
        });
      }
      throw error;
    }
    const key = `${real}\0${identity.ino}\0${identity.size}\0${identity.mtimeMs}`;
    let entry = this.entries.get(key);
    if (!entry) {
      this.forgetReplaced(real);
      const verified = verifyDataFile(real, manifest);
      entry = { key, path: real, bytes: identity.size, users: 0, verified, evictTimer: undefined };
      this.entries.set(key, entry);
      // A store that fails stays unverified: the next acquire (after a rebuild) checks again.
      verified.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    await entry.verified;
    return this.lease(entry);
  }

  /**
   * Every store verified on this host, in use or idle (users 0; evicted once idle for
   * evictAfterMs, but its verdict is kept), for metrics. residentBytes is measured now.
   */
  stats(): StoreStats[] {
    return [...this.entries.values()].map((entry) => ({
      path: entry.path,
      bytes: entry.bytes,
      users: entry.users,
      residentBytes: safeResidentBytes(entry.path),
    }));
  }

  /** Stops the eviction timers (on host shutdown); leases stay valid. */
  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.evictTimer);
      entry.evictTimer = undefined;
    }
  }

  private lease(entry: Entry): StoreLease {
    entry.users++;
    clearTimeout(entry.evictTimer);
    entry.evictTimer = undefined;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        if (entry.users === 0) this.scheduleEviction(entry);
      },
    };
  }

  private scheduleEviction(entry: Entry): void {
    entry.evictTimer = setTimeout(() => {
      entry.evictTimer = undefined;
      if (entry.users > 0) return;
      try {
        // Drops only pages no process maps; a session still exiting keeps its own.
        evictFile(entry.path);
      } catch {
        // The store was deleted meanwhile: nothing of it is left to evict, or to list.
        if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      }
    }, this.evictAfterMs);
    entry.evictTimer.unref();
  }

  /** A rebuilt store has a new identity: forget unused entries of its old file. */
  private forgetReplaced(real: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.path === real && entry.users === 0) {
        clearTimeout(entry.evictTimer);
        this.entries.delete(key);
      }
    }
  }
}

/** Length, header and sha256 of the data file against its manifest, in async chunks. */
async function verifyDataFile(
  dataPath: string,
  manifest: Awaited<ReturnType<typeof readManifest>>,
): Promise<void> {
  const file = await open(dataPath, 'r');
  try {
    const { size } = await file.stat();
    if (size !== manifest.dataBytes) {
      throw new FrameStoreError(
        'corrupt',
        `frame store data file ${dataPath} is ${size} bytes, manifest says ${manifest.dataBytes}${size < manifest.dataBytes ? ' (truncated)' : ''}`,
      );
    }
    const header = new Uint8Array(FRAME_STORE_HEADER_BYTES);
    await file.read(header, 0, header.length, 0);
    checkHeader(header, manifest);
  } finally {
    await file.close();
  }
  const hash = createHash('sha256');
  const stream = createReadStream(dataPath, {
    start: FRAME_STORE_HEADER_BYTES,
    highWaterMark: VERIFY_CHUNK_BYTES,
  });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== manifest.checksum.value) {
    throw new FrameStoreError(
      'corrupt',
      `frame store ${dataPath}: sha256 of frames is ${actual}, manifest says ${manifest.checksum.value}`,
    );
  }
}

function safeResidentBytes(dataPath: string): number {
  try {
    return residentBytes(dataPath);
  } catch {
    return 0;
  }
}
