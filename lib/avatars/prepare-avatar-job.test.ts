import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFrameStore } from '@/protocol/frame-store/read-frame-store';
import { preparedAvatarSchema } from '@/protocol/session-request';
import { demoPortraitPath, loadNoFaceImage } from './demo-portrait';
import { progressLineSchema } from './preparation-progress';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const jobPath = fileURLToPath(new URL('./prepare-avatar-job.ts', import.meta.url));

interface JobRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the job exactly as the app does: a separate Node process with the tsx loader. */
async function runJob(args: string[]): Promise<JobRun> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', jobPath, ...args],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      exitCode: failed.code ?? -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'facecast-job-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('prepare-avatar-job', () => {
  it('prints progress lines in order up to 100, then one result line, and exits 0', async () => {
    const outDir = path.join(workDir, 'demo');
    const run = await runJob([demoPortraitPath(), outDir]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const progress = lines.slice(0, -1).map((line) => progressLineSchema.parse(line));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const percents = progress.map((line) => line.progress);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    const result = lines.at(-1) ?? {};
    expect(result).toMatchObject({
      ok: true,
      framePath: path.join(outDir, 'frame.png'),
      widthPx: 512,
      heightPx: 512,
      sourceKind: 'image',
      frameCount: 1,
      storeDir: path.join(outDir, 'store'),
      storeName: 'frames',
    });
    const store = await openFrameStore(path.join(outDir, 'store'), 'frames');
    expect([store.manifest.frameCount, store.manifest.widthPx, store.manifest.loop]).toEqual([
      1,
      512,
      'forward',
    ]);
    store.close();
    // It is a PreparedAvatar once the app adds its id and name.
    const {
      ok: _ok,
      sourceKind: _k,
      storeDir: _d,
      storeName: _n,
      frameCount: _c,
      ...prepared
    } = result;
    expect(preparedAvatarSchema.safeParse({ ...prepared, id: 'a1', name: 'Demo' }).success).toBe(
      true,
    );
    expect((await stat(path.join(outDir, 'frame.png'))).size).toBeGreaterThan(10_000);
  });

  it('prints a refusal line with code and reason and still exits 0', async () => {
    const inputPath = path.join(workDir, 'landscape.png');
    await writeFile(inputPath, await loadNoFaceImage());
    const run = await runJob([inputPath, path.join(workDir, 'landscape')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n').at(-2)).toBe(
      JSON.stringify({
        ok: false,
        code: 'no_face',
        reason: 'No face was found in this image. Upload a clear, front-facing portrait.',
      }),
    );
  });

  it('exits non-zero with nothing on stdout when the input file is missing', async () => {
    const run = await runJob([path.join(workDir, 'missing.jpg'), path.join(workDir, 'missing')]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('ENOENT');
  });

  it('exits 2 on bad arguments', async () => {
    const run = await runJob([]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    const badFraming = await runJob([demoPortraitPath(), workDir, '--framing', 'huge']);
    expect(badFraming.exitCode).toBe(2);
    expect(badFraming.stderr).toMatch(/framing must be one of: square-512, square-720, wide-720p/);
  });
});
