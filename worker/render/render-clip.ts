/**
 * Renders a talking clip to an MP4 file with the pieces a live session uses (Flite speech,
 * the mouth driver, the FaceRenderer, the blink schedule), so the avatar can be watched and
 * heard without LiveKit. Encoding is done by the system's ffmpeg (libx264 + AAC).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FaceGeometry } from '../../protocol/face-geometry';
import { createFliteTts, type FliteVoice } from '../tts/flite-tts';
import { normalizeText } from '../tts/normalize-text';
import { splitSentences } from '../tts/sentences';
import { encodeWav } from '../tts/wav';
import { mouthTrack } from '../visemes/mouth-driver';
import { NEUTRAL_POSE, type MouthPose } from '../visemes/mouth-pose';
import { measureAppearance } from '../../protocol/appearance/avatar-appearance';
import { FaceRenderer, faceFramesFromStore } from './face-renderer';
import { openFrameStore } from '../../protocol/frame-store/read-frame-store';
import { BlinkSchedule } from './blink';
import { loadRgbaImage } from './rgba-image';

export const CLIP_DEFAULTS = {
  fps: 25,
  /** Silence between sentences, ms. */
  sentencePauseMs: 300,
  /** Idle face (silent, blinking) before and after the speech, ms. */
  idleMs: 500,
  /** libx264 constant rate factor: 18 ≈ visually lossless, 30 = small files for docs. */
  crf: 23,
} as const;

export const FFMPEG_MISSING_MESSAGE =
  'ffmpeg was not found on PATH. Install it with `sudo apt-get install ffmpeg` (or run `npm run setup`).';

/** The text has nothing to speak (empty, or only symbols the normaliser drops). */
export class EmptySpeechError extends Error {
  constructor(message = 'there is no text to speak') {
    super(message);
    this.name = 'EmptySpeechError';
  }
}

/** Speech for a clip: audio and mouth openness cut to the same whole number of frames. */
export interface ClipSpeech {
  /** Mono 16-bit PCM. */
  pcm: Int16Array;
  sampleRateHz: number;
  /** Mouth openness 0..1 per video frame; frame f covers [f, f+1) / fps s of `pcm`. */
  openness: Float32Array;
  /** The mouth pose per video frame (same frames as `openness`). */
  poses: MouthPose[];
  fps: number;
}

export interface SynthesizeClipSpeechOptions {
  text: string;
  voice?: FliteVoice;
  /** Video frames per second. */
  fps?: number;
  sentencePauseMs?: number;
}

/** Sample index where video frame `frame` starts. Rounded, so fractional rates do not drift. */
function frameStartSample(frame: number, sampleRateHz: number, fps: number): number {
  return Math.round((frame * sampleRateHz) / fps);
}

/**
 * Text → normalizeText → splitSentences → Flite, one sentence at a time, each followed by a
 * short pause. Every sentence's audio is padded to a frame boundary before the next one
 * starts, so the concatenated mouth tracks stay in step with the concatenated audio.
 * @throws EmptySpeechError when the text has nothing to speak.
 */
export function synthesizeClipSpeech(options: SynthesizeClipSpeechOptions): ClipSpeech {
  const fps = options.fps ?? CLIP_DEFAULTS.fps;
  const pauseMs = options.sentencePauseMs ?? CLIP_DEFAULTS.sentencePauseMs;
  const sentences = splitSentences(normalizeText(options.text));
  if (sentences.length === 0) throw new EmptySpeechError();
  const tts = createFliteTts();
  const pieces: { pcm: Int16Array; openness: Float32Array; poses: MouthPose[] }[] = [];
  let sampleRateHz = 0;
  try {
    for (const sentence of sentences) {
      const speech = tts.synthesize(sentence, options.voice);
      if (speech.pcm.length === 0) continue;
      sampleRateHz = speech.sampleRateHz;
      const track = mouthTrack(speech, { fps });
      pieces.push({ pcm: speech.pcm, openness: track.openness, poses: track.poses });
    }
  } finally {
    tts.close();
  }
  if (pieces.length === 0) throw new EmptySpeechError('the synthesiser produced no audio');

  const pauseFrames = Math.round((pauseMs / 1000) * fps);
  const frameTotal = pieces.reduce((sum, p) => sum + p.openness.length, 0);
  const frames = frameTotal + pauseFrames * (pieces.length - 1);
  const pcm = new Int16Array(frameStartSample(frames, sampleRateHz, fps));
  const openness = new Float32Array(frames);
  const poses: MouthPose[] = Array.from({ length: frames }, () => NEUTRAL_POSE);
  let frame = 0;
  for (const piece of pieces) {
    const start = frameStartSample(frame, sampleRateHz, fps);
    pcm.set(piece.pcm.subarray(0, pcm.length - start), start);
    openness.set(piece.openness, frame);
    poses.splice(frame, piece.poses.length, ...piece.poses);
    frame += piece.openness.length + pauseFrames;
  }
  return { pcm, sampleRateHz, openness, poses, fps };
}

/** Whether an `ffmpeg` executable is on PATH. */
export function hasFfmpeg(): boolean {
  const result = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

export interface RenderClipOptions {
  /** The prepared frame (PNG) and the face geometry measured on it, in its pixels. */
  framePath: string;
  widthPx: number;
  heightPx: number;
  face: FaceGeometry;
  /**
   * The avatar's frame store (a video avatar's loop, or a portrait's one frame); without it
   * the clip is rendered from `framePath` alone.
   */
  storeDir?: string;
  storeName?: string;
  speech: ClipSpeech;
  /** Output MP4 path (overwritten). */
  out: string;
  idleMs?: number;
  crf?: number;
  /** 0..1, for the blink schedule (Math.random by default; seed it for reproducible files). */
  random?: () => number;
  /** Called with every frame (RGBA, widthPx × heightPx) after it is rendered; may keep it. */
  onFrame?: (index: number, rgba: Uint8Array) => void;
}

/** Idle frames before (and again after) the speech. */
function idleFrameCount(fps: number, idleMs: number = CLIP_DEFAULTS.idleMs): number {
  return Math.round((idleMs / 1000) * fps);
}

/** Frames renderClip produces for `speech`: idle, speech, idle. */
export function clipFrameCount(speech: ClipSpeech, idleMs?: number): number {
  return speech.openness.length + 2 * idleFrameCount(speech.fps, idleMs);
}

export interface RenderedClip {
  frames: number;
  fps: number;
  /** frames / fps, s; the audio has exactly this length too. */
  durationS: number;
  /** Mouth openness per video frame, idle frames included. */
  openness: Float32Array;
}

/**
 * Renders `speech` on the prepared face, with `idleMs` of idle face before and after, and
 * encodes it to H.264 + AAC in MP4. Audio and video have the same length by construction
 * (the audio is padded to the frame count), so no `-shortest` is needed to trim either.
 */
export async function renderClip(options: RenderClipOptions): Promise<RenderedClip> {
  const { speech } = options;
  const { fps, sampleRateHz } = speech;
  if (!hasFfmpeg()) throw new Error(FFMPEG_MISSING_MESSAGE);
  const idleFrames = idleFrameCount(fps, options.idleMs);
  const frames = clipFrameCount(speech, options.idleMs);
  const openness = new Float32Array(frames);
  openness.set(speech.openness, idleFrames);
  const poses = (f: number) => speech.poses[f - idleFrames] ?? NEUTRAL_POSE;
  const pcm = new Int16Array(frameStartSample(frames, sampleRateHz, fps));
  const speechStart = frameStartSample(idleFrames, sampleRateHz, fps);
  pcm.set(speech.pcm.subarray(0, pcm.length - speechStart), speechStart);

  const image = await loadRgbaImage(options.framePath, options);
  const store =
    options.storeDir && options.storeName
      ? await openFrameStore(options.storeDir, options.storeName)
      : undefined;
  const renderer = new FaceRenderer({
    frames: store
      ? faceFramesFromStore(store)
      : { frameCount: 1, loop: 'pingpong', frame: () => image.data, faces: [options.face] },
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    appearance: store?.manifest.appearance ?? measureAppearance(image, options.face),
    format: 'rgba',
  });
  // The same schedule a live session uses, on the clip's time line instead of the wall clock.
  const blink = new BlinkSchedule(0, options.random);
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'facecast-clip-'));
  try {
    const wavPath = path.join(tempDir, 'speech.wav');
    await writeFile(wavPath, encodeWav(pcm, sampleRateHz));
    const encoder = startEncoder({
      widthPx: renderer.widthPx,
      heightPx: renderer.heightPx,
      fps,
      wavPath,
      out: options.out,
      crf: options.crf ?? CLIP_DEFAULTS.crf,
    });
    try {
      for (let f = 0; f < frames; f++) {
        // A new buffer per frame: the pipe may still hold the previous one.
        const frame = new Uint8Array(renderer.frameBytes);
        const timeMs = (f * 1000) / fps;
        renderer.render(frame, {
          tick: f,
          timeMs,
          pose: poses(f),
          eyesClosed: blink.closureAt(timeMs),
        });
        options.onFrame?.(f, frame);
        await encoder.write(frame);
      }
    } catch (error) {
      encoder.abort();
      throw error;
    }
    await encoder.finish();
  } finally {
    store?.close();
    await rm(tempDir, { recursive: true, force: true });
  }
  return { frames, fps, durationS: frames / fps, openness };
}

interface EncoderOptions {
  widthPx: number;
  heightPx: number;
  fps: number;
  wavPath: string;
  out: string;
  crf: number;
}

interface Encoder {
  /** Resolves once ffmpeg can take more (waits for 'drain' when the pipe is full). */
  write(frame: Uint8Array): Promise<void>;
  /** Closes stdin and waits for ffmpeg to finish the file. */
  finish(): Promise<void>;
  abort(): void;
}

function startEncoder(options: EncoderOptions): Encoder {
  const { widthPx, heightPx, fps } = options;
  const args = [
    ['-hide_banner', '-loglevel', 'error', '-y'],
    ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${widthPx}x${heightPx}`, '-r', `${fps}`],
    ['-i', '-', '-i', options.wavPath, '-map', '0:v:0', '-map', '1:a:0'],
    ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', `${options.crf}`, '-pix_fmt', 'yuv420p'],
    ['-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', options.out],
  ].flat();
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // Write errors (EPIPE when ffmpeg dies) surface through the exit below.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(FFMPEG_MISSING_MESSAGE) : error),
    );
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
  let ended = false;
  const endedEarly = exited.then(() => {
    if (!ended) throw new Error('ffmpeg exited before all frames were written');
  });
  // Avoid an unhandled rejection when the caller never awaits endedEarly (the usual case).
  endedEarly.catch(() => undefined);

  return {
    async write(frame) {
      if (child.stdin.write(frame)) return;
      await Promise.race([once(child.stdin, 'drain'), endedEarly]);
    },
    async finish() {
      ended = true;
      child.stdin.end();
      await exited;
    },
    abort() {
      ended = true;
      child.kill('SIGKILL');
      exited.catch(() => undefined);
    },
  };
}
