/**
 * Avatar preparation as a child process of the app, so the WASM face models never load into
 * the web server:
 *
 *   node --import tsx lib/avatars/prepare-avatar-job.ts <inputPath> <outDir>
 *
 * Prints exactly one JSON line on stdout, `{"ok":true,"framePath",...,"face"}` or
 * `{"ok":false,"code","reason"}`, and exits 0 in both cases. Exits non-zero (stdout empty,
 * detail on stderr) only when the job itself fails: bad arguments (2) or a crash (1).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

// Keep stdout for the one result line: whatever else writes to it (Human's console.log,
// Emscripten's print) goes to stderr instead. Set up before the face modules load.
const writeStdout = process.stdout.write.bind(process.stdout);
const writeResultLine = (line: string): boolean => writeStdout(`${line}\n`);
process.stdout.write = process.stderr.write.bind(process.stderr);

async function main(args: string[]): Promise<number> {
  const [inputPath, outDir] = args;
  if (!inputPath || !outDir || args.length !== 2) {
    process.stderr.write('usage: prepare-avatar-job <inputPath> <outDir>\n');
    return 2;
  }
  const { AvatarPreparationError, preparePortrait } = await import('./prepare-portrait');
  const input = await readFile(inputPath);
  try {
    const prepared = await preparePortrait({ input, outDir: path.resolve(outDir) });
    writeResultLine(JSON.stringify({ ok: true, ...prepared }));
  } catch (error) {
    if (!(error instanceof AvatarPreparationError)) throw error;
    writeResultLine(JSON.stringify({ ok: false, code: error.code, reason: error.reason }));
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
