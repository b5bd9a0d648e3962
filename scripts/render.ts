/**
 * Renders a talking clip to an MP4 file, without LiveKit:
 *   npm run render -- --avatar <image|demo> --text "Hello there." --out out.mp4
 * Same pieces as a live session: portrait preparation, Flite speech, the mouth driver, the
 * renderer v2 (mouth poses, idle sway and breathing, blinks). Needs ffmpeg (`sudo apt-get install ffmpeg`).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { AvatarPreparationError, preparePortrait } from '@/lib/avatars/prepare-portrait';
import { prepareVideo } from '@/lib/avatars/prepare-video';
import { ACCEPTED_MEDIA, sniffMedia, sourceExtension } from '@/lib/avatars/sniff-media';
import {
  CLIP_DEFAULTS,
  clipFrameCount,
  EmptySpeechError,
  FFMPEG_MISSING_MESSAGE,
  hasFfmpeg,
  renderClip,
  synthesizeClipSpeech,
} from '@/worker/render/render-clip';
import { contactSheetFrames, contactSheetPng } from '@/worker/render/render-clip-sheet';
import { DEFAULT_VOICE, FLITE_VOICES } from '@/worker/tts/flite-tts';

const USAGE = `Usage:
  npm run render -- --avatar <image|demo> --text "<text>" --out <file.mp4> [options]

Options:
  --avatar <path|demo>    portrait image (JPEG, PNG, WebP), or "demo" for the demo portrait
  --text <text>           what the avatar says
  --out <file.mp4>        output file (overwritten)
  --voice <name>          ${FLITE_VOICES.join(' | ')} (default ${DEFAULT_VOICE})
  --fps <n>               video frames per second (default ${CLIP_DEFAULTS.fps})
  --crf <n>               H.264 quality, lower is better and larger (default ${CLIP_DEFAULTS.crf})
  --seed <n>              seed for the blink timing, for reproducible files
  --contact-sheet <png>   also write a 4×3 grid of frames across the clip
  -h, --help              show this help`;

class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive integer, got "${value}".`);
  return n;
}

/** mulberry32: a small seeded generator, so a given --seed always blinks the same way. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readPortrait(avatar: string): Promise<Buffer> {
  if (avatar === 'demo') return loadDemoPortrait();
  try {
    return await readFile(avatar);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`Avatar image not found: ${avatar}`);
    if (code === 'EISDIR') throw new UsageError(`Avatar path is a directory: ${avatar}`);
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      avatar: { type: 'string' },
      text: { type: 'string' },
      out: { type: 'string' },
      voice: { type: 'string', default: DEFAULT_VOICE },
      fps: { type: 'string' },
      crf: { type: 'string' },
      seed: { type: 'string' },
      'contact-sheet': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.avatar) throw new UsageError('--avatar is required (an image path, or "demo").');
  if (values.text === undefined) throw new UsageError('--text is required.');
  if (values.text.trim() === '')
    throw new UsageError('--text is empty: give the avatar something to say.');
  if (!values.out) throw new UsageError('--out is required (an .mp4 path).');
  const voice = FLITE_VOICES.find((v) => v === values.voice);
  if (!voice)
    throw new UsageError(
      `--voice must be one of ${FLITE_VOICES.join(', ')}, got "${values.voice}".`,
    );
  const fps = positiveInt('fps', values.fps, CLIP_DEFAULTS.fps);
  const crf = positiveInt('crf', values.crf, CLIP_DEFAULTS.crf);
  const seed = values.seed === undefined ? undefined : positiveInt('seed', values.seed, 1);
  if (!hasFfmpeg()) throw new UsageError(FFMPEG_MISSING_MESSAGE);

  const input = await readPortrait(values.avatar);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'facecast-render-'));
  try {
    const media = sniffMedia(input);
    let portrait;
    if (media !== null && ACCEPTED_MEDIA[media].kind === 'video') {
      const inputPath = path.join(workDir, `source.${sourceExtension(media)}`);
      await writeFile(inputPath, input);
      portrait = await prepareVideo({ inputPath, outDir: workDir });
    } else {
      portrait = await preparePortrait({ input, outDir: workDir });
    }
    const speech = synthesizeClipSpeech({ text: values.text, voice, fps });
    const out = path.resolve(values.out);
    await mkdir(path.dirname(out), { recursive: true });
    const sheetPath = values['contact-sheet'];
    const layout = { columns: 4, rows: 3 };
    const wanted = contactSheetFrames(clipFrameCount(speech), layout);
    const kept = new Map<number, Uint8Array>();
    const clip = await renderClip({
      ...portrait,
      speech,
      out,
      crf,
      random: seed === undefined ? undefined : seededRandom(seed),
      onFrame: sheetPath
        ? (index, rgba) => wanted.includes(index) && kept.set(index, rgba)
        : undefined,
    });
    console.log(`Wrote ${out} (${clip.frames} frames, ${clip.durationS.toFixed(2)} s).`);
    if (sheetPath) {
      const png = await contactSheetPng({
        ...layout,
        frames: wanted.flatMap((index) => kept.get(index) ?? []),
        widthPx: portrait.widthPx,
        heightPx: portrait.heightPx,
        tileWidthPx: 192,
      });
      await mkdir(path.dirname(path.resolve(sheetPath)), { recursive: true });
      await writeFile(sheetPath, png);
      console.log(`Wrote ${path.resolve(sheetPath)}.`);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof AvatarPreparationError) console.error(error.reason);
  else if (error instanceof EmptySpeechError) console.error(`Nothing to say: ${error.message}.`);
  else if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  )
    console.error(`${error.message}\n\n${USAGE}`);
  else console.error(error);
  process.exitCode = 1;
});
