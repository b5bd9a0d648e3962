import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { CLIP_MAX_UPLOAD_BYTES, decodeAudioClip } from './decode-audio-clip';

const execFileAsync = promisify(execFile);
let dir: string;

/** A 440 Hz sine of `seconds`, encoded by ffmpeg with the given output arguments. */
async function sine(name: string, seconds: number, args: string[] = []): Promise<Buffer> {
  const file = path.join(dir, name);
  await execFileAsync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...args,
    file,
  ]);
  return readFile(file);
}

async function refusal(bytes: Uint8Array): Promise<ApiError> {
  const error = await decodeAudioClip(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-clip-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decodeAudioClip', () => {
  it.each([
    ['clip.wav', [], 'audio/wav'],
    ['clip.mp3', [], 'audio/mpeg'],
    // Without an ID3 tag, an MP3 starts with a bare MPEG frame.
    ['bare.mp3', ['-id3v2_version', '0', '-write_xing', '0'], 'audio/mpeg'],
    ['clip.ogg', [], 'audio/ogg'],
    ['opus.ogg', ['-c:a', 'libopus'], 'audio/ogg'],
    ['clip.webm', [], 'audio/webm'],
  ] as const)('decodes %s to 1 s of 16 kHz mono 16-bit WAV', async (name, args, type) => {
    const clip = await decodeAudioClip(await sine(name, 1, [...args]));
    expect(clip.contentType).toBe(type);
    expect(clip.wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(clip.wav.readUInt16LE(22)).toBe(1); // mono
    expect(clip.wav.readUInt32LE(24)).toBe(16_000);
    expect(clip.wav.readUInt16LE(34)).toBe(16);
    expect(clip.wav.readUInt32LE(40)).toBe(clip.wav.length - 44);
    // Encoders pad a little (MP3 and Opus add up to ~50 ms).
    expect(clip.durationMs).toBeGreaterThanOrEqual(990);
    expect(clip.durationMs).toBeLessThanOrEqual(1_080);
    // The tone survives decoding: loud, not silence.
    const samples = new Int16Array(
      clip.wav.buffer.slice(clip.wav.byteOffset + 44, clip.wav.byteOffset + clip.wav.length),
    );
    const peak = samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(3_000);
  });

  it('a 61 s clip → 422 naming the 60-second limit', async () => {
    const error = await refusal(await sine('long.mp3', 61));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/61\.\d seconds long; the limit is 60 seconds/);
  });

  it('a 61 s WebM whose header states no duration is found too long as it decodes', async () => {
    // Written to a pipe, the WebM muxer cannot go back to write the duration.
    const { stdout } = await execFileAsync(
      'ffmpeg',
      ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=61', '-f', 'webm', '-'],
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
    );
    const error = await refusal(stdout);
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/the limit is 60 seconds/);
  });

  it('a PNG → 415 listing what is accepted', async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#fff' },
    })
      .png()
      .toBuffer();
    const error = await refusal(png);
    expect(error.status).toBe(415);
    expect(error.message).toMatch(/WAV, MP3, OGG or WebM/);
  });

  it('a file that only looks like audio → 422 undecodable; empty → 422; over 20 MB → 413', async () => {
    const fake = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2_000, 7)]);
    const undecodable = await refusal(fake);
    expect(undecodable.status).toBe(422);
    expect(undecodable.message).toMatch(/cannot be decoded/);
    expect((await refusal(new Uint8Array(0))).status).toBe(422);
    expect((await refusal(new Uint8Array(CLIP_MAX_UPLOAD_BYTES + 1))).status).toBe(413);
  });
});
