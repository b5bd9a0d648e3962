/** Runs once when the Next.js server starts: open the database and resume unfinished work. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { database } = await import('@/lib/db/db');
  const { env } = await import('@/lib/config/env');
  const { resumePreparations } = await import('@/lib/avatars/preparation-queue');
  const { log } = await import('@/lib/log/logger');
  const db = await database();
  const resumed = await resumePreparations(db.prisma, env().FACECAST_DATA_DIR);
  log.info({ database: db.kind, resumedPreparations: resumed }, 'app ready');
}
