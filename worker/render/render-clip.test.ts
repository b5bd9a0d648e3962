import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoPortrait } from '../../lib/avatars/demo-portrait';
import { preparePortrait, type PreparedPortrait } from '../../lib/avatars/prepare-portrait';
import {
  EmptySpeechError,
  hasFfmpeg,
  renderClip,
  synthesizeClipSpeech,
  type RenderedClip,
} from './render-clip';
import { contactSheetFrames } from './render-clip-sheet';

describe('synthesizeClipSpeech', () => {
  it('keeps audio and mouth frames the same length, with a pause between sentences', () => {
    const one = synthesizeClipSpeech({ text: 'Hello there.', fps: 25 });
    const two = synthesizeClipSpeech({ text: 'Hello there. Hello there.', fps: 25 });
    for (const speech of [one, two])
      expect(speech.pcm.length).toBe((speech.openness.length * speech.sampleRateHz) / 25);
    // Two sentences plus a 300 ms (7.5 → 8 frame) pause.
    expect(two.openness.length).toBe(2 * one.openness.length + 8);
    expect(Math.max(...one.openness)).toBeGreaterThan(0.3);
  });

  it('refuses text with nothing to speak', () => {
    expect(() => synthesizeClipSpeech({ text: '   ' })).toThrow(EmptySpeechError);
  });
});

describe('contactSheetFrames', () => {
  it('spreads the tiles from the first frame to the last', () => {
    expect(contactSheetFrames(101, { columns: 4, rows: 3 })).toEqual([
      0, 9, 18, 27, 36, 45, 55, 64, 73, 82, 91, 100,
    ]);
  });
});

interface Stream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  duration: string;
}

/** Mean absolute difference of two RGB24 frames over a rectangle. */
function regionDiff(
  a: Buffer,
  b: Buffer,
  widthPx: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): number {
  let sum = 0;
  let count = 0;
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * widthPx + x) * 3 + c;
        sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
        count++;
      }
  return sum / count;
}

/** Mean luma of an RGB24 frame over a rectangle. */
function meanLuma(
  frame: Buffer,
  widthPx: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): number {
  let sum = 0;
  let count = 0;
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * widthPx + x) * 3;
      sum += 0.299 * frame[i]! + 0.587 * frame[i + 1]! + 0.114 * frame[i + 2]!;
      count++;
    }
  return sum / count;
}

// ffmpeg is required, not optional: npm test installs it (Debian package) before this runs.
describe('renderClip (ffmpeg)', () => {
  let dir: string;
  let portrait: PreparedPortrait;
  let clip: RenderedClip;
  let out: string;

  beforeAll(async () => {
    if (!hasFfmpeg()) {
      throw new Error(
        'ffmpeg is not on PATH: run npm test (it installs it) or sudo apt-get install ffmpeg',
      );
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'facecast-render-clip-test-'));
    portrait = await preparePortrait({ input: await loadDemoPortrait(), outDir: dir });
    const speech = synthesizeClipSpeech({ text: 'Hello, how are you today?', fps: 25 });
    out = path.join(dir, 'clip.mp4');
    // Never blinks within the clip: only the mouth may change.
    clip = await renderClip({ ...portrait, speech, out, random: () => 1 });
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes 512×512 H.264 at 25 fps and AAC audio of the same, expected length', () => {
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', out], {
        encoding: 'utf8',
      }),
    ) as { streams: Stream[] };
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 512, height: 512 });
    expect(video?.r_frame_rate).toBe('25/1');
    expect(audio?.codec_name).toBe('aac');
    const videoS = Number(video?.duration);
    const audioS = Number(audio?.duration);
    // Speech ≈ 1.5 s plus 0.5 s of idle on each side.
    expect(clip.durationS).toBeGreaterThan(2);
    expect(clip.durationS).toBe(clip.frames / 25);
    expect(Math.abs(videoS - clip.durationS)).toBeLessThan(0.2);
    expect(Math.abs(audioS - clip.durationS)).toBeLessThan(0.2);
    expect(Math.abs(videoS - audioS)).toBeLessThan(0.2);
  });

  it('opens the mouth while speaking and leaves the rest of the picture alone', () => {
    const widthPx = portrait.widthPx;
    const frameBytes = widthPx * portrait.heightPx * 3;
    const decoded = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { maxBuffer: frameBytes * (clip.frames + 2) },
    );
    expect(decoded.length).toBe(frameBytes * clip.frames);
    const frame = (f: number) => decoded.subarray(f * frameBytes, (f + 1) * frameBytes);
    const speaking = clip.openness.indexOf(Math.max(...clip.openness));
    expect(clip.openness[speaking]).toBeGreaterThan(0.3);
    const idle = frame(2);

    const points = [13, 14, 61, 291].map((i) => portrait.face.landmarks[i] ?? [0, 0]);
    const xs = points.map((p) => p[0] ?? 0);
    const ys = points.map((p) => p[1] ?? 0);
    const mouth = {
      x0: Math.floor(Math.min(...xs)),
      x1: Math.ceil(Math.max(...xs)),
      y0: Math.floor(Math.min(...ys)) - 4,
      y1: Math.ceil(Math.max(...ys)) + 8,
    };
    const corner = { x0: 0, y0: 0, x1: 64, y1: 64 };
    const speakingMouth = regionDiff(idle, frame(speaking), widthPx, mouth);
    expect(speakingMouth).toBeGreaterThan(15);
    expect(regionDiff(idle, frame(speaking), widthPx, corner)).toBeLessThan(1);
    // The mouth closes again after the speech. The head sways a pixel or so while idle, so
    // compare how dark the mouth is (an open one shows the cavity), not pixel by pixel.
    const opened = meanLuma(idle, widthPx, mouth) - meanLuma(frame(speaking), widthPx, mouth);
    expect(opened).toBeGreaterThan(8);
    const after = meanLuma(idle, widthPx, mouth) - meanLuma(frame(clip.frames - 3), widthPx, mouth);
    expect(Math.abs(after)).toBeLessThan(opened / 4);
  });
});
