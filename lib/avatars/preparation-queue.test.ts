import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDemoPortrait, loadNoFaceImage } from './demo-portrait';
import type { ProgressLine } from './preparation-progress';
import { runPreparationJob } from './preparation-queue';
import { makePortraitVideo } from '../testing/test-media';

const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-prep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runPreparationJob (a real child process)', () => {
  it('returns the prepared frame and geometry for a portrait, after progress in order to 100', async () => {
    const input = path.join(dir, 'portrait.jpg');
    writeFileSync(input, await loadDemoPortrait());
    const progress: ProgressLine[] = [];
    const result = await runPreparationJob(input, path.join(dir, 'ok'), {
      framing: 'square-720',
      onProgress: (line) => progress.push(line),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.widthPx, result.heightPx]).toEqual([720, 720]);
    expect(result.face.landmarks).toHaveLength(468);
    const percents = progress.map((line) => line.progress);
    expect(percents.length).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ progress: 100, stage: 'Ready' });
  }, 60_000);

  it("reports a video's progress through every frame and returns its store", async () => {
    const input = await makePortraitVideo({ out: path.join(dir, 'clip.mp4'), format: 'mp4' });
    const progress: ProgressLine[] = [];
    const result = await runPreparationJob(input, path.join(dir, 'video'), {
      onProgress: (line) => progress.push(line),
      env: { FACECAST_VIDEO_LOOP_MAX_SECONDS: '1' },
    });
    expect(result).toMatchObject({ ok: true, sourceKind: 'video', frameCount: 25 });
    const stages = progress.filter((line) => line.stage === 'Finding the face in each frame');
    expect(stages.length).toBeGreaterThan(10);
    expect(progress.at(-1)?.progress).toBe(100);
  }, 120_000);

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
    await expect(
      runPreparationJob(path.join(dir, 'portrait.jpg'), path.join(dir, 'y'), {
        env: { FACECAST_VIDEO_LOOP_MAX_SECONDS: 'forever' },
      }),
    ).rejects.toThrow(/FACECAST_VIDEO_LOOP_MAX_SECONDS: must be a number/);
  }, 60_000);
});
