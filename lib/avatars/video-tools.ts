/**
 * ffprobe and ffmpeg (Debian package `ffmpeg`, installed by `npm start`) for video avatars:
 * what a file holds, and its frames decoded to raw RGB at a fixed rate.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { AvatarPreparationError } from './preparation-error';
import { FFMPEG_INPUT_PROTOCOLS, MAX_VIDEO_PIXELS } from './upload-limits';

const execFileAsync = promisify(execFile);

/** Thrown when ffmpeg/ffprobe are not installed; the message says how to install them. */
export class MissingFfmpegError extends Error {
  constructor(tool: string) {
    super(
      `${tool} is not installed, so videos cannot be read. Install it with "sudo apt-get install ffmpeg" (npm start does this when it may use apt).`,
    );
    this.name = 'MissingFfmpegError';
  }
}

export interface VideoInfo {
  /** Duration in seconds (container's, else the video stream's). */
  durationS: number;
  /** Display size after applying the rotation metadata, px. */
  widthPx: number;
  heightPx: number;
  codec: string;
  hasAudio: boolean;
}

const probeSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        duration: z.string().optional(),
        tags: z.record(z.string()).optional(),
        side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional() }).optional(),
});

function isMissingBinary(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Reads a video's streams with ffprobe. Throws AvatarPreparationError 'unreadable_video'
 * when ffprobe cannot parse the file, 'no_video_stream' when it holds no picture, and
 * MissingFfmpegError when ffprobe is not installed.
 */
export async function probeVideo(filePath: string): Promise<VideoInfo> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      'ffprobe',
      [
        ...['-v', 'error', ...FFMPEG_INPUT_PROTOCOLS, '-print_format', 'json'],
        ...['-show_format', '-show_streams', filePath],
      ],
      { maxBuffer: 8 * 1024 * 1024, timeout: 30_000 },
    ));
  } catch (error) {
    if (isMissingBinary(error)) throw new MissingFfmpegError('ffprobe');
    throw new AvatarPreparationError('unreadable_video', { cause: error });
  }
  const parsed = probeSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success)
    throw new AvatarPreparationError('unreadable_video', { cause: parsed.error });
  const { streams, format } = parsed.data;
  // Cover art in an MP4 shows up as a one-frame "video" stream; it is not a video.
  const video = streams.find(
    (stream) =>
      stream.codec_type === 'video' && !['mjpeg', 'png'].includes(stream.codec_name ?? ''),
  );
  if (!video) throw new AvatarPreparationError('no_video_stream');
  if (!video.width || !video.height) throw new AvatarPreparationError('unreadable_video');
  if (video.width * video.height > MAX_VIDEO_PIXELS) {
    throw new AvatarPreparationError('video_too_large', {
      detail: `${video.width} × ${video.height}`,
    });
  }
  const durationS = Number(format?.duration ?? video.duration ?? NaN);
  if (!Number.isFinite(durationS) || durationS <= 0) {
    throw new AvatarPreparationError('unreadable_video', { detail: 'no duration' });
  }
  const rotation =
    video.side_data_list?.find((side) => side.rotation !== undefined)?.rotation ??
    Number(video.tags?.rotate ?? 0);
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  return {
    durationS,
    widthPx: quarterTurn ? video.height : video.width,
    heightPx: quarterTurn ? video.width : video.height,
    codec: video.codec_name ?? 'unknown',
    hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
  };
}

/** Decoded size that keeps the aspect, fits maxSidePx and has even sides (for filters). */
export function decodeSize(info: VideoInfo, maxSidePx: number): [number, number] {
  const scale = Math.min(1, maxSidePx / Math.max(info.widthPx, info.heightPx));
  const even = (value: number) => Math.max(2, 2 * Math.round((value * scale) / 2));
  return [even(info.widthPx), even(info.heightPx)];
}

export interface DecodeFramesOptions {
  filePath: string;
  /** Output rate, frames per second (frames are dropped or repeated to reach it). */
  fps: number;
  /** Stop after this many frames. */
  maxFrames: number;
  widthPx: number;
  heightPx: number;
}

/**
 * Decodes the video from its start as raw RGB frames (widthPx × heightPx × 3 bytes each)
 * at `fps`, with the rotation metadata applied. Each yielded Buffer is a fresh frame.
 */
export async function* decodeFrames(options: DecodeFramesOptions): AsyncGenerator<Buffer> {
  const { filePath, fps, maxFrames, widthPx, heightPx } = options;
  const frameBytes = widthPx * heightPx * 3;
  const child = spawn(
    'ffmpeg',
    [
      ...['-v', 'error', '-nostdin', ...FFMPEG_INPUT_PROTOCOLS, '-i', filePath, '-an', '-sn'],
      ...['-vf', `fps=${fps},scale=${widthPx}:${heightPx}:flags=lanczos`],
      ...['-frames:v', String(maxFrames), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  let pending: Buffer = Buffer.alloc(0);
  let count = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= frameBytes && count < maxFrames) {
        yield Buffer.from(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        count++;
      }
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const { code, error } = await exited;
  if (error) throw isMissingBinary(error) ? new MissingFfmpegError('ffmpeg') : error;
  if (code !== 0 || count === 0) {
    throw new AvatarPreparationError('unreadable_video', {
      detail: `ffmpeg exit ${code}, ${count} frames: ${stderr.trim()}`,
    });
  }
}
