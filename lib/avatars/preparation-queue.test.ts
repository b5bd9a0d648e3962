import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoPortrait, loadNoFaceImage } from './demo-portrait';
import { runPreparationJob } from './preparation-queue';

const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-prep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runPreparationJob (a real child process)', () => {
  it('returns the prepared frame and geometry for a portrait', async () => {
    const input = path.join(dir, 'portrait.jpg');
    writeFileSync(input, await loadDemoPortrait());
    const result = await runPreparationJob(input, path.join(dir, 'ok'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.widthPx, result.heightPx]).toEqual([512, 512]);
    expect(result.face.landmarks).toHaveLength(468);
  }, 60_000);

  it('returns the reason for an image without a face', async () => {
    const input = path.join(dir, 'landscape.png');
    writeFileSync(input, await loadNoFaceImage());
    const result = await runPreparationJob(input, path.join(dir, 'none'));
    expect(result).toMatchObject({ ok: false, code: 'no_face' });
  }, 60_000);

  it('rejects when the job crashes (missing input)', async () => {
    await expect(
      runPreparationJob(path.join(dir, 'missing.jpg'), path.join(dir, 'x')),
    ).rejects.toThrow(/preparation job failed/);
  }, 60_000);
});
