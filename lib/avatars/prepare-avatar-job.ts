/**
 * Avatar preparation as a child process of the app, so the WASM face models and ffmpeg's
 * output never load into the web server:
 *
 *   node --import tsx lib/avatars/prepare-avatar-job.ts <inputPath> <outDir> [--framing <id>]
 *
 * Prints progress lines `{"progress":42,"stage":"Finding the face in each frame"}` while it
 * works, then exactly one result line, `{"ok":true,"framePath",...,"face","storeDir",...}`
 * or `{"ok":false,"code","reason"}`, and exits 0 in both cases. Exits non-zero (no result
 * line, detail on stderr) only when the job itself fails: bad arguments or configuration (2)
 * or a crash (1). The input's type (image or video) is read from its bytes.
 *
 * Environment: FACECAST_VIDEO_LOOP_MAX_SECONDS (1..60, default 10) caps the stored loop.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { preparationEnvSchema } from './preparation-env';

// Keep stdout for the protocol lines: whatever else writes to it (Human's console.log,
// Emscripten's print) goes to stderr instead. Set up before the face modules load.
const writeStdout = process.stdout.write.bind(process.stdout);
const writeLine = (value: unknown): boolean => writeStdout(`${JSON.stringify(value)}\n`);
process.stdout.write = process.stderr.write.bind(process.stderr);

/** How often the job checks that the app that started it still runs, ms. */
const PARENT_CHECK_INTERVAL_MS = 250;

// A job whose app was killed exits: its result has no reader, and the restarted app prepares
// the avatar again from the start, clearing what this job was writing (resumePreparations).
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(1);
}, PARENT_CHECK_INTERVAL_MS).unref();

async function readHead(filePath: string): Promise<Uint8Array> {
  const file = await open(filePath, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const usage = 'usage: prepare-avatar-job <inputPath> <outDir> [--framing <id>]\n';
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { framing: { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [inputPath, outDir] = parsed.positionals;
  if (!inputPath || !outDir || parsed.positionals.length !== 2) {
    process.stderr.write(usage);
    return 2;
  }
  const { framingSchema, DEFAULT_FRAMING } = await import('./framings');
  const framing = framingSchema.safeParse(parsed.values.framing ?? DEFAULT_FRAMING);
  const jobEnv = preparationEnvSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')),
  );
  if (!framing.success || !jobEnv.success) {
    const problems = [
      ...(framing.success ? [] : framing.error.issues.map((i) => i.message)),
      ...(jobEnv.success
        ? []
        : jobEnv.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ];
    process.stderr.write(`${problems.join('\n')}\n`);
    return 2;
  }

  const { AvatarPreparationError } = await import('./preparation-error');
  const { ACCEPTED_MEDIA, sniffMedia } = await import('./sniff-media');
  const { STAGES } = await import('./preparation-progress');
  let lastPercent = -1;
  const onProgress = (percent: number, stage: string) => {
    if (percent === lastPercent) return;
    lastPercent = percent;
    writeLine({ progress: percent, stage });
  };
  const type = sniffMedia(await readHead(inputPath));
  const options = { outDir: path.resolve(outDir), framing: framing.data, onProgress };
  try {
    let prepared;
    if (type && ACCEPTED_MEDIA[type].kind === 'video') {
      const { prepareVideo } = await import('./prepare-video');
      prepared = await prepareVideo({
        ...options,
        inputPath: path.resolve(inputPath),
        loopMaxSeconds: jobEnv.data.FACECAST_VIDEO_LOOP_MAX_SECONDS,
      });
    } else {
      const { readFile } = await import('node:fs/promises');
      const { preparePortrait } = await import('./prepare-portrait');
      prepared = await preparePortrait({ ...options, input: await readFile(inputPath) });
    }
    onProgress(100, STAGES.done);
    writeLine({ ok: true, ...prepared });
  } catch (error) {
    if (!(error instanceof AvatarPreparationError)) throw error;
    writeLine({ ok: false, code: error.code, reason: error.reason });
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(
      `prepare-avatar-job failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    // Exit now: the WASM runtime installs handlers that would otherwise rethrow and dump its source.
    process.exit(1);
  },
);
