/**
 * Checks an uploaded audio clip and decodes it for the worker: the real type from its bytes,
 * an audio stream ffprobe can read, at most 60 s, decoded by ffmpeg to 16-bit mono PCM WAV at
 * the session's audio rate. Every refusal is an ApiError (413, 415, 422) saying what to send.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { MissingFfmpegError } from '@/lib/avatars/video-tools';
import { FFMPEG_INPUT_PROTOCOLS } from '@/lib/avatars/upload-limits';
import { CLIP_MAX_DURATION_MS, CLIP_SAMPLE_RATE_HZ } from '@/protocol/room-control';
import { ACCEPTED_AUDIO_NAMES, sniffAudio, type AudioType } from './sniff-audio';

const execFileAsync = promisify(execFile);

/** Largest accepted upload, bytes (20 MB). */
export const CLIP_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Containers may state a little more than the audio (MP3 padding): tolerated, then cut. */
const DURATION_SLACK_MS = 500;

const LIMITS = `at most ${CLIP_MAX_DURATION_MS / 1000} seconds and ${CLIP_MAX_UPLOAD_BYTES / 1024 / 1024} MB`;

export interface DecodedClip {
  /** 16-bit mono PCM RIFF/WAVE at CLIP_SAMPLE_RATE_HZ. */
  wav: Buffer;
  /** Length of the decoded audio, ms. */
  durationMs: number;
  /** What the upload was. */
  contentType: AudioType;
}

export const clipTooLarge = () =>
  new ApiError(
    'payload_too_large',
    `The audio clip is larger than ${CLIP_MAX_UPLOAD_BYTES / 1024 / 1024} MB. Send a shorter or more compressed clip (${LIMITS}).`,
  );

const undecodable = (detail: string) =>
  new ApiError(
    'unprocessable',
    `The audio clip cannot be decoded (${detail}). Send a valid ${ACCEPTED_AUDIO_NAMES} file (${LIMITS}).`,
  );

const tooLong = (seconds: number) =>
  new ApiError(
    'unprocessable',
    `The audio clip is ${seconds.toFixed(1)} seconds long; the limit is ${CLIP_MAX_DURATION_MS / 1000} seconds. Trim it or split it into several clips.`,
  );

const probeSchema = z.object({
  streams: z.array(z.object({ codec_type: z.string().optional() })).default([]),
  format: z.object({ duration: z.string().optional() }).optional(),
});

function isMissingBinary(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Whether the file has an audio stream, and the container's duration in s when it states one. */
async function probeAudio(filePath: string): Promise<{ durationS?: number }> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      'ffprobe',
      [
        ...['-v', 'error', ...FFMPEG_INPUT_PROTOCOLS, '-print_format', 'json'],
        ...['-show_format', '-show_streams', filePath],
      ],
      { maxBuffer: 4 * 1024 * 1024, timeout: 30_000 },
    ));
  } catch (error) {
    if (isMissingBinary(error)) throw new MissingFfmpegError('ffprobe');
    throw undecodable('ffprobe cannot read it');
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw undecodable('ffprobe cannot read it');
  }
  const parsed = probeSchema.safeParse(json);
  if (!parsed.success) throw undecodable('ffprobe cannot read it');
  if (!parsed.data.streams.some((stream) => stream.codec_type === 'audio'))
    throw undecodable('it holds no audio stream');
  const durationS = Number(parsed.data.format?.duration ?? NaN);
  return Number.isFinite(durationS) && durationS > 0 ? { durationS } : {};
}

/**
 * Decodes up to `maxMs` of the file to 16-bit mono PCM at CLIP_SAMPLE_RATE_HZ. Rejects with
 * the end of ffmpeg's error output when it fails.
 */
function decodePcm(filePath: string, maxMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        ...['-v', 'error', '-nostdin', ...FFMPEG_INPUT_PROTOCOLS, '-i', filePath],
        ...['-vn', '-sn', '-dn'],
        ...['-t', (maxMs / 1000).toFixed(3), '-ac', '1', '-ar', String(CLIP_SAMPLE_RATE_HZ)],
        ...['-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(isMissingBinary(error) ? new MissingFfmpegError('ffmpeg') : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`ffmpeg exit ${code}: ${stderr.trim()}`));
    });
  });
}

/** A 44-byte RIFF/WAVE header for 16-bit mono PCM. */
function wavHeader(dataBytes: number, sampleRateHz: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // integer PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRateHz, 24);
  header.writeUInt32LE(sampleRateHz * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/**
 * Validates an uploaded clip and decodes it to 16-bit mono WAV at CLIP_SAMPLE_RATE_HZ.
 * Throws ApiError 413 (over 20 MB), 415 (not WAV/MP3/OGG/WebM), 422 (empty, undecodable, no
 * audio, over 60 s), or 503 when ffmpeg is not installed.
 */
export async function decodeAudioClip(bytes: Uint8Array): Promise<DecodedClip> {
  if (bytes.length === 0)
    throw new ApiError(
      'unprocessable',
      `The audio clip is empty. Send a ${ACCEPTED_AUDIO_NAMES} file.`,
    );
  if (bytes.length > CLIP_MAX_UPLOAD_BYTES) throw clipTooLarge();
  const contentType = sniffAudio(bytes);
  if (!contentType) {
    throw new ApiError(
      'unsupported_media_type',
      `This file is not ${ACCEPTED_AUDIO_NAMES} audio. Send a clip in one of those formats (${LIMITS}).`,
    );
  }
  const file = path.join(tmpdir(), `facecast-clip-${randomUUID()}`);
  try {
    await writeFile(file, bytes);
    const { durationS } = await probeAudio(file);
    if (durationS !== undefined && durationS * 1000 > CLIP_MAX_DURATION_MS + DURATION_SLACK_MS)
      throw tooLong(durationS);
    let pcm: Buffer;
    try {
      // A little past the limit, so that a clip whose container states no duration (a
      // browser's WebM recording) is still found too long.
      pcm = await decodePcm(file, CLIP_MAX_DURATION_MS + DURATION_SLACK_MS + 100);
    } catch (error) {
      if (error instanceof MissingFfmpegError) throw error;
      throw undecodable('ffmpeg cannot decode it');
    }
    const decodedMs = (pcm.length / 2 / CLIP_SAMPLE_RATE_HZ) * 1000;
    if (decodedMs > CLIP_MAX_DURATION_MS + DURATION_SLACK_MS) throw tooLong(decodedMs / 1000);
    // Within the slack: cut to the limit.
    const maxBytes = (CLIP_MAX_DURATION_MS / 1000) * CLIP_SAMPLE_RATE_HZ * 2;
    const data = pcm.subarray(0, Math.min(pcm.length - (pcm.length % 2), maxBytes));
    if (data.length === 0) throw undecodable('it holds no audio samples');
    return {
      wav: Buffer.concat([wavHeader(data.length, CLIP_SAMPLE_RATE_HZ), data]),
      durationMs: Math.round((data.length / 2 / CLIP_SAMPLE_RATE_HZ) * 1000),
      contentType,
    };
  } catch (error) {
    if (error instanceof MissingFfmpegError) throw new ApiError('unavailable', error.message);
    throw error;
  } finally {
    await rm(file, { force: true });
  }
}
