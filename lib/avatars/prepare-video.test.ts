import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFrameStore } from '@/protocol/frame-store/read-frame-store';
import { AvatarPreparationError } from './preparation-error';
import type { ProgressLine } from './preparation-progress';
import { prepareVideo } from './prepare-video';
import { trackJitterPx } from './smooth-landmarks';
import {
  makeAudioOnlyMp4,
  makeFaceLeavesVideo,
  makeLongVideo,
  makePortraitVideo,
} from '../testing/test-media';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'facecast-video-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(inputPath: string): Promise<AvatarPreparationError> {
  const error = await prepareVideo({ inputPath, outDir: path.join(dir, 'refused') }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AvatarPreparationError);
  return error as AvatarPreparationError;
}

describe('prepareVideo', () => {
  it('turns a 3 s MP4 into a ping-pong store capped at the loop maximum, with a face per frame', async () => {
    const input = await makePortraitVideo({
      out: path.join(dir, 'drift.mp4'),
      format: 'mp4',
      seconds: 3,
      withAudio: true,
    });
    const outDir = path.join(dir, 'mp4');
    const progress: ProgressLine[] = [];
    const prepared = await prepareVideo({
      inputPath: input,
      outDir,
      loopMaxSeconds: 2,
      onProgress: (percent, stage) => progress.push({ progress: percent, stage }),
    });
    expect(prepared).toMatchObject({ sourceKind: 'video', widthPx: 512, heightPx: 512 });
    expect(prepared.frameCount).toBe(50); // 2 s of the 3 s clip at 25 fps

    const store = await openFrameStore(path.join(outDir, 'store'), 'frames');
    const { manifest } = store;
    expect([manifest.frameCount, manifest.fps, manifest.loop]).toEqual([50, 25, 'pingpong']);
    expect(manifest.faces).toHaveLength(50);
    // The face follows the video's drift (one fixed crop, no stabilisation) …
    const centres = manifest.faces.map((face) => face.box.x + face.box.width / 2);
    const drift = Math.max(...centres) - Math.min(...centres);
    expect(drift).toBeGreaterThan(3);
    expect(drift).toBeLessThan(40);
    // … smoothly: the detector's frame-to-frame jitter is gone.
    expect(trackJitterPx(manifest.faces.map((face) => face.landmarks))).toBeLessThan(0.5);
    // Frames differ (the video moves), and frame 0 is the poster.
    const first = store.frame(0);
    const last = store.frame(49);
    let changed = 0;
    for (let i = 0; i < first.length; i += 4) if (Math.abs(first[i]! - last[i]!) > 20) changed++;
    expect(changed / (first.length / 4)).toBeGreaterThan(0.05);
    const poster = await sharp(prepared.framePath).raw().toBuffer();
    let posterError = 0;
    for (let i = 0, j = 0; j < poster.length; i += 4, j += 3) {
      posterError += Math.abs(poster[j]! - first[i]!);
    }
    expect(posterError / (poster.length / 3)).toBeLessThan(1);
    store.close();

    const percents = progress.map((line) => line.progress);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.map((line) => line.stage)).toContain('Finding the face in each frame');
  }, 120_000);

  it('frames a WebM at 1280×720 with the head as large relative to the height as at 512', async () => {
    const input = await makePortraitVideo({
      out: path.join(dir, 'drift.webm'),
      format: 'webm',
      seconds: 1,
    });
    const prepared = await prepareVideo({
      inputPath: input,
      outDir: path.join(dir, 'webm'),
      framing: 'wide-720p',
    });
    expect([prepared.widthPx, prepared.heightPx, prepared.frameCount]).toEqual([1280, 720, 25]);
    const { box } = prepared.face;
    // Face ≈ 45 % of the height wide, centred horizontally.
    expect(box.width / 720).toBeGreaterThan(0.38);
    expect(box.width / 720).toBeLessThan(0.52);
    expect(Math.abs(box.x + box.width / 2 - 640)).toBeLessThan(60);
    expect((await stat(prepared.framePath)).size).toBeGreaterThan(10_000);
  }, 120_000);

  it('refuses a file without a video stream, a video over 60 s, and an unreadable file', async () => {
    expect((await refusal(await makeAudioOnlyMp4(path.join(dir, 'tone.mp4')))).code).toBe(
      'no_video_stream',
    );
    const long = await refusal(await makeLongVideo(path.join(dir, 'long.mp4')));
    expect(long.code).toBe('video_too_long');
    expect(long.reason).toMatch(/longer than 60 seconds/);
    const garbage = path.join(dir, 'garbage.mp4');
    await writeFile(
      garbage,
      Buffer.concat([Buffer.from('\0\0\0\x18ftypisom'), Buffer.alloc(5000, 7)]),
    );
    expect((await refusal(garbage)).code).toBe('unreadable_video');
  }, 120_000);

  it('refuses a video without a face, and one where the face leaves the picture', async () => {
    const grey = await makeLongVideo(path.join(dir, 'grey.mp4'), 1);
    expect((await refusal(grey)).code).toBe('no_face');
    const leaves = await refusal(await makeFaceLeavesVideo(path.join(dir, 'leaves.mp4')));
    expect(leaves.code).toBe('face_lost');
    expect(leaves.reason).toMatch(/face always visible/);
  }, 60_000);
});
