/**
 * Runs avatar preparation (face detection and framing) one job at a time in a separate
 * process, so the detector's memory and CPU never weigh on the web server, and a crash
 * fails one avatar, not the app.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { log } from '@/lib/log/logger';
import { faceGeometrySchema } from '@/worker/protocol/session-request';
import { avatarDir, sourcePath } from './avatar-files';

export interface PreparationJob {
  prisma: PrismaClient;
  avatarId: string;
  dataDir: string;
  extension: string;
}

const jobResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    framePath: z.string(),
    widthPx: z.number().int(),
    heightPx: z.number().int(),
    face: faceGeometrySchema,
  }),
  z.object({ ok: z.literal(false), code: z.string(), reason: z.string() }),
]);
export type PreparationResult = z.infer<typeof jobResultSchema>;

/** Longest a preparation may run before it is killed and the avatar marked failed. */
export const PREPARATION_TIMEOUT_MS = 120_000;

const JOB_SCRIPT = path.join(process.cwd(), 'lib', 'avatars', 'prepare-avatar-job.ts');

/** Runs the preparation job process; resolves with its one-line JSON result. */
export function runPreparationJob(inputPath: string, outDir: string): Promise<PreparationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', JOB_SCRIPT, inputPath, outDir], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), PREPARATION_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(jobResultSchema.parse(JSON.parse(line)));
      } catch {
        reject(new Error(`preparation job failed (code ${code}, signal ${signal}): ${stderr}`));
      }
    });
  });
}

let chain: Promise<void> = Promise.resolve();

async function prepare(job: PreparationJob): Promise<void> {
  const { prisma, avatarId, dataDir } = job;
  let update;
  try {
    const result = await runPreparationJob(
      sourcePath(dataDir, avatarId, job.extension),
      avatarDir(dataDir, avatarId),
    );
    update = result.ok
      ? {
          status: 'ready' as const,
          error: null,
          framePath: path.relative(dataDir, result.framePath),
          widthPx: result.widthPx,
          heightPx: result.heightPx,
          face: result.face,
        }
      : { status: 'failed' as const, error: result.reason };
  } catch (error) {
    log.error({ err: error, avatarId }, 'avatar preparation crashed');
    update = {
      status: 'failed' as const,
      error: 'Preparation failed unexpectedly. Delete this avatar and upload the image again.',
    };
  }
  // The avatar may have been deleted meanwhile: updateMany then changes nothing.
  await prisma.avatar.updateMany({ where: { id: avatarId }, data: update });
  log.info({ avatarId, status: update.status }, 'avatar prepared');
}

/** Queues an avatar for preparation; jobs run one at a time in arrival order. */
export function enqueuePreparation(job: PreparationJob): Promise<void> {
  const run = chain.then(() => prepare(job));
  chain = run.catch(() => undefined);
  return run;
}

/** Re-queues avatars left in `preparing` by a previous run of the app. */
export async function resumePreparations(prisma: PrismaClient, dataDir: string): Promise<number> {
  const pending = await prisma.avatar.findMany({ where: { status: 'preparing' } });
  for (const avatar of pending) {
    const extension = avatar.sourceType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'jpg';
    void enqueuePreparation({ prisma, avatarId: avatar.id, dataDir, extension });
  }
  return pending.length;
}
