import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIP_TTL_MS, clipUrl, clipsDir, storeClip, takeClip } from './clip-store';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-clips-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const wav = new Uint8Array([82, 73, 70, 70, 1, 2, 3]);

describe('clip store', () => {
  it('serves a clip once under an unguessable token, then forgets it', async () => {
    const token = await storeClip({ dataDir, wav });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(await storeClip({ dataDir, wav })).not.toBe(token);
    expect(clipUrl('http://app.test:3000', token)).toBe(
      `http://app.test:3000/api/internal/clips/${token}`,
    );
    expect(new Uint8Array((await takeClip({ dataDir, token }))!)).toEqual(wav);
    expect(await takeClip({ dataDir, token })).toBeUndefined();
    expect((await readdir(clipsDir(dataDir))).length).toBe(1);
  });

  it('two requests at once: one gets the clip', async () => {
    const token = await storeClip({ dataDir, wav });
    const results = await Promise.all([takeClip({ dataDir, token }), takeClip({ dataDir, token })]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('refuses tokens of another form (no path tricks)', async () => {
    await storeClip({ dataDir, wav });
    for (const token of ['../../etc/passwd', '', 'short', `${'a'.repeat(43)}/..`])
      expect(await takeClip({ dataDir, token })).toBeUndefined();
  });

  it('expires clips after the TTL, and sweeps them when a new one is stored', async () => {
    const old = await storeClip({ dataDir, wav });
    const stale = await storeClip({ dataDir, wav });
    const past = new Date(Date.now() - CLIP_TTL_MS - 60_000);
    for (const token of [old, stale])
      await utimes(path.join(clipsDir(dataDir), `${token}.wav`), past, past);
    expect(await takeClip({ dataDir, token: old })).toBeUndefined();
    const fresh = await storeClip({ dataDir, wav });
    expect(await readdir(clipsDir(dataDir))).toEqual([`${fresh}.wav`]);
  });
});
