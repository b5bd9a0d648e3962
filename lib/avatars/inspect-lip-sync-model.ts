/**
 * Checks an uploaded ONNX lip-sync model in a child process (inspect-lip-sync-model-job.ts)
 * with a memory limit, a timeout and at most MAX_CONCURRENT_MODEL_CHECKS at once, so a
 * hostile or huge model can neither exhaust the web server's memory nor hold it up.
 *
 * The memory limit is the child's RLIMIT_DATA (set with util-linux `prlimit`): heap, malloc
 * and private mappings count; V8's reserved address space does not, which is why not
 * RLIMIT_AS (node cannot start under 2 GB of it).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { log } from '@/lib/log/logger';
import type { ResolvedInterface } from '@/protocol/lip-sync/model-interface';

/** Memory a model check may use, MB: a 500 MB model loads in about 1.2 GB. */
export const MODEL_CHECK_MEMORY_MB = 2048;
/** How long a model check may take. */
export const MODEL_CHECK_TIMEOUT_MS = 60_000;
/** Model checks running at once in one app instance; more are refused with 503. */
export const MAX_CONCURRENT_MODEL_CHECKS = 2;

const JOB_SCRIPT = path.join(process.cwd(), 'lib', 'avatars', 'inspect-lip-sync-model-job.ts');

const resultSchema = z.union([
  z.object({
    ok: z.literal(true),
    resolved: z.object({
      melName: z.string(),
      faceName: z.string(),
      outputName: z.string(),
      faceSizePx: z.number().int().positive(),
    }),
  }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);

export interface ModelCheckLimits {
  memoryMb?: number;
  timeoutMs?: number;
}

let running = 0;

/**
 * Loads the model in a child process and matches it to the Wav2Lip interface. Refusals are
 * 422 ApiErrors saying what is wrong (also for a model too big or too slow to load); 503
 * with Retry-After when MAX_CONCURRENT_MODEL_CHECKS are already running.
 */
export async function inspectLipSyncModel(
  file: string,
  settings: { melInput?: string | undefined; faceInput?: string | undefined },
  limits: ModelCheckLimits = {},
): Promise<ResolvedInterface> {
  if (running >= MAX_CONCURRENT_MODEL_CHECKS) {
    throw new ApiError(
      'unavailable',
      'Other lip-sync models are being checked right now. Try again in a few seconds.',
      { 'retry-after': '10' },
    );
  }
  running++;
  try {
    return await runCheck(file, settings, {
      memoryMb: limits.memoryMb ?? MODEL_CHECK_MEMORY_MB,
      timeoutMs: limits.timeoutMs ?? MODEL_CHECK_TIMEOUT_MS,
    });
  } finally {
    running--;
  }
}

function runCheck(
  file: string,
  settings: { melInput?: string | undefined; faceInput?: string | undefined },
  limits: Required<ModelCheckLimits>,
): Promise<ResolvedInterface> {
  const hints = JSON.stringify({ melInput: settings.melInput, faceInput: settings.faceInput });
  const node = [process.execPath, '--import', 'tsx', JOB_SCRIPT, file, hints];
  const dataBytes = String(limits.memoryMb * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const child = spawn('prlimit', [`--data=${dataBytes}`, '--', ...node], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.stdout.on(
      'data',
      (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-10_000)),
    );
    child.stderr.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)),
    );
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      const parsed = (() => {
        try {
          return resultSchema.safeParse(JSON.parse(line));
        } catch {
          return null;
        }
      })();
      if (parsed?.success && code === 0) {
        if (parsed.data.ok) resolve(parsed.data.resolved);
        else reject(new ApiError('unprocessable', parsed.data.message));
        return;
      }
      if (timedOut) {
        reject(
          new ApiError(
            'unprocessable',
            `The model did not load within ${limits.timeoutMs / 1000} s. Upload a smaller Wav2Lip-compatible export (about 140 MB; float16 halves it).`,
          ),
        );
        return;
      }
      log.warn({ code, signal, stderr: stderr.slice(-500) }, 'lip-sync model check failed');
      reject(
        new ApiError(
          'unprocessable',
          `The model could not be loaded within the ${limits.memoryMb} MB a model check may use. Upload a smaller Wav2Lip-compatible export (about 140 MB; float16 halves it).`,
        ),
      );
    });
  });
}
