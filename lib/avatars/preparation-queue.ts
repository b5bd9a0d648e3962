/**
 * Runs avatar preparation (face detection, framing, frame store) one job at a time in a
 * separate process, so the detector's memory and CPU never weigh on the web server, and a
 * crash fails one avatar, not the app. The job's progress lines are written to the avatar
 * row (throttled) so the API and the UI can show them.
 */
import { spawn } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { log } from '@/lib/log/logger';
import { faceGeometrySchema } from '@/protocol/face-geometry';
import { avatarDir, sourcePath } from './avatar-files';
import { checkFrameStore } from './check-frame-store';
import { discardInterruptedUploads } from './discard-interrupted-uploads';
import { DEFAULT_FRAMING, framingSchema, type FramingId } from './framings';
import { progressLineSchema, STAGES, type ProgressLine } from './preparation-progress';
import { sourceExtension } from './sniff-media';
import { emitWebhookEvent } from '@/lib/webhooks/emit';

export interface PreparationJob {
  prisma: PrismaClient;
  avatarId: string;
  dataDir: string;
  extension: string;
  framing?: FramingId;
}

const jobResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    framePath: z.string(),
    widthPx: z.number().int(),
    heightPx: z.number().int(),
    face: faceGeometrySchema,
    sourceKind: z.enum(['image', 'video']),
    storeDir: z.string().optional(),
    storeName: z.string().optional(),
    frameCount: z.number().int().positive(),
  }),
  z.object({ ok: z.literal(false), code: z.string(), reason: z.string() }),
]);
export type PreparationResult = z.infer<typeof jobResultSchema>;

/** A job that prints nothing for this long is killed and the avatar marked failed. */
export const PREPARATION_SILENCE_TIMEOUT_MS = 120_000;
/** Longest a whole preparation may run (a 10 s video takes about a minute here). */
export const PREPARATION_TIMEOUT_MS = 30 * 60_000;
/** Progress is written to the database at most this often, unless it moved ≥ 5 points. */
export const PROGRESS_WRITE_INTERVAL_MS = 1000;

const JOB_SCRIPT = path.join(process.cwd(), 'lib', 'avatars', 'prepare-avatar-job.ts');

export interface RunPreparationJobOptions {
  framing?: FramingId;
  /** Called for every progress line, in order. */
  onProgress?: (line: ProgressLine) => void;
  /** Extra environment for the job (tests). */
  env?: Record<string, string>;
}

/**
 * Runs the preparation job process; reports its progress lines and resolves with its
 * result line. Rejects when the job exits without a result (crash, kill, bad arguments).
 */
export function runPreparationJob(
  inputPath: string,
  outDir: string,
  options: RunPreparationJobOptions = {},
): Promise<PreparationResult> {
  const args = [JOB_SCRIPT, inputPath, outDir, '--framing', options.framing ?? DEFAULT_FRAMING];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    let result: PreparationResult | undefined;
    let stderr = '';
    let killedFor: string | undefined;
    const kill = (why: string) => {
      killedFor = why;
      child.kill('SIGKILL');
    };
    let silence = setTimeout(() => kill('silent'), PREPARATION_SILENCE_TIMEOUT_MS);
    const overall = setTimeout(() => kill('too slow'), PREPARATION_TIMEOUT_MS);
    const onLine = (line: string) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        log.warn({ line: line.slice(0, 200) }, 'preparation job printed a non-JSON line');
        return;
      }
      const progress = progressLineSchema.safeParse(json);
      if (progress.success) {
        options.onProgress?.(progress.data);
        return;
      }
      const parsed = jobResultSchema.safeParse(json);
      if (parsed.success) result = parsed.data;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      clearTimeout(silence);
      silence = setTimeout(() => kill('silent'), PREPARATION_SILENCE_TIMEOUT_MS);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(silence);
      clearTimeout(overall);
      onLine(pending);
      if (result && code === 0) resolve(result);
      else {
        const why = killedFor ? `killed: ${killedFor}` : `code ${code}, signal ${signal}`;
        reject(new Error(`preparation job failed (${why}): ${stderr}`));
      }
    });
  });
}

/** Writes progress to the avatar row at most once a second, or sooner after a 5-point jump. */
function progressWriter(prisma: PrismaClient, avatarId: string) {
  let lastAt = 0;
  let lastPercent = -100;
  let writing: Promise<unknown> = Promise.resolve();
  return (line: ProgressLine) => {
    const now = Date.now();
    if (line.progress >= 100) return; // the final update sets 100 together with the result
    if (now - lastAt < PROGRESS_WRITE_INTERVAL_MS && line.progress - lastPercent < 5) return;
    lastAt = now;
    lastPercent = line.progress;
    writing = writing
      .then(() =>
        prisma.avatar.updateMany({
          where: { id: avatarId, status: 'preparing' },
          data: { progress: Math.round(line.progress), stage: line.stage },
        }),
      )
      .catch((error: unknown) => log.warn({ err: error, avatarId }, 'progress update failed'));
  };
}

/**
 * One preparation at a time for the whole process: the chain and the avatars queued or being
 * prepared (so a rebuild is never queued twice) live on globalThis, since Next.js bundles this
 * module into each route's chunk (upload, rebuild, resume on start).
 */
const queue = ((
  globalThis as typeof globalThis & {
    facecastPreparations?: { chain: Promise<void>; inQueue: Set<string> };
  }
).facecastPreparations ??= { chain: Promise.resolve(), inQueue: new Set<string>() });
const { inQueue } = queue;

async function prepare(job: PreparationJob): Promise<void> {
  const { prisma, avatarId, dataDir } = job;
  let update;
  try {
    const result = await runPreparationJob(
      sourcePath(dataDir, avatarId, job.extension),
      avatarDir(dataDir, avatarId),
      { framing: job.framing, onProgress: progressWriter(prisma, avatarId) },
    );
    update = result.ok
      ? {
          status: 'ready' as const,
          error: null,
          progress: 100,
          stage: STAGES.done,
          framePath: path.relative(dataDir, result.framePath),
          widthPx: result.widthPx,
          heightPx: result.heightPx,
          face: result.face,
          storeDir: result.storeDir ? path.relative(dataDir, result.storeDir) : null,
          frameCount: result.frameCount,
        }
      : { status: 'failed' as const, error: result.reason, stage: null };
  } catch (error) {
    log.error({ err: error, avatarId }, 'avatar preparation crashed');
    update = {
      status: 'failed' as const,
      stage: null,
      error: 'Preparation failed unexpectedly. Delete this avatar and upload the file again.',
    };
  }
  // The avatar may have been deleted meanwhile: updateMany then changes nothing, and what the
  // job wrote after the delete removed the directory (its frame store) goes too.
  const { count } = await prisma.avatar.updateMany({ where: { id: avatarId }, data: update });
  if (count === 0) {
    await rm(avatarDir(dataDir, avatarId), { recursive: true, force: true });
    log.info({ avatarId }, 'avatar deleted while being prepared: its files are removed');
    return;
  }
  log.info({ avatarId, status: update.status }, 'avatar prepared');
  await avatarWebhook(prisma, avatarId, { status: update.status, error: update.error });
}

/** `avatar.ready` or `avatar.failed` to the owner's webhooks. */
async function avatarWebhook(
  prisma: PrismaClient,
  avatarId: string,
  update: { status: 'ready' | 'failed'; error: string | null },
): Promise<void> {
  const avatar = await prisma.avatar.findUnique({
    where: { id: avatarId },
    select: { userId: true, name: true },
  });
  if (!avatar) return;
  await emitWebhookEvent(prisma, avatar.userId, `avatar.${update.status}`, {
    avatarId,
    name: avatar.name,
    status: update.status,
    ...(update.error ? { error: update.error } : {}),
  });
}

/** Queues an avatar for preparation; jobs run one at a time in arrival order. */
export function enqueuePreparation(job: PreparationJob): Promise<void> {
  inQueue.add(job.avatarId);
  const run = queue.chain.then(() => prepare(job)).finally(() => inQueue.delete(job.avatarId));
  queue.chain = run.catch(() => undefined);
  return run;
}

/** True while the avatar waits in the queue or is being prepared by this process. */
export function isQueued(avatarId: string): boolean {
  return inQueue.has(avatarId);
}

/** The framing stored on the row, or the default for rows from before framings existed. */
export function rowFraming(framing: string): FramingId {
  const parsed = framingSchema.safeParse(framing);
  return parsed.success ? parsed.data : DEFAULT_FRAMING;
}

/**
 * Puts an avatar back into `preparing` (progress 0) and queues its preparation from the
 * kept source. A source that is gone marks the avatar failed instead, with what to do.
 * Returns the running preparation (failures are logged), or null when the avatar was
 * already queued or has no source.
 */
export async function requeuePreparation(
  prisma: PrismaClient,
  avatar: { id: string; sourceType: string; framing: string },
  dataDir: string,
  stage: string,
): Promise<{ run: Promise<void> } | null> {
  if (isQueued(avatar.id)) return null;
  const extension = sourceExtension(avatar.sourceType);
  const source = sourcePath(dataDir, avatar.id, extension);
  if (
    !(await access(source).then(
      () => true,
      () => false,
    ))
  ) {
    await prisma.avatar.updateMany({
      where: { id: avatar.id },
      data: {
        status: 'failed',
        stage: null,
        error:
          'The uploaded file of this avatar is gone, so it cannot be prepared again. Delete it and upload the file again.',
      },
    });
    log.error({ avatarId: avatar.id }, 'avatar source missing, cannot rebuild');
    return null;
  }
  await prisma.avatar.updateMany({
    where: { id: avatar.id },
    data: { status: 'preparing', progress: 0, stage, error: null },
  });
  const run = enqueuePreparation({
    prisma,
    avatarId: avatar.id,
    dataDir,
    extension,
    framing: rowFraming(avatar.framing),
  });
  run.catch((error: unknown) => log.error({ err: error, avatarId: avatar.id }, 'rebuild failed'));
  return { run };
}

/**
 * On app start: removes uploads a killed run never finished (discardInterruptedUploads),
 * re-queues avatars left in `preparing` by a previous run, and checks the
 * frame store of every ready avatar, queueing a rebuild for each that is missing or damaged
 * (a corrupt store is rebuilt, never rendered). Returns how many were queued.
 */
export async function resumePreparations(prisma: PrismaClient, dataDir: string): Promise<number> {
  await discardInterruptedUploads(prisma, dataDir);
  let queued = 0;
  const pending = await prisma.avatar.findMany({ where: { status: 'preparing' } });
  for (const avatar of pending) {
    if (await requeuePreparation(prisma, avatar, dataDir, STAGES.queued)) queued++;
  }
  const ready = await prisma.avatar.findMany({ where: { status: 'ready' } });
  for (const avatar of ready) {
    const check = checkFrameStore(dataDir, avatar);
    if (check.ok) continue;
    log.warn(
      { avatarId: avatar.id, code: check.code, detail: check.message },
      'avatar store rebuild',
    );
    if (await requeuePreparation(prisma, avatar, dataDir, STAGES.rebuilding)) queued++;
  }
  return queued;
}
