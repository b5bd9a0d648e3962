/**
 * The app's one database handle. Kept on globalThis because Next.js may evaluate this module
 * in more than one bundle of the same process, and the embedded database must be opened once.
 */
import { env } from '@/lib/config/env';
import { openDatabase, type Database } from './open-database';

const holder = globalThis as typeof globalThis & { facecastDb?: Promise<Database> };

export function database(): Promise<Database> {
  if (holder.facecastDb) return holder.facecastDb;
  const current: Promise<Database> = openDatabase({
    databaseUrl: env().DATABASE_URL,
    dataDir: env().FACECAST_DATA_DIR,
    thread: env().FACECAST_DB_THREAD === '1',
  }).then(
    (opened) => ({
      ...opened,
      // A closed handle is forgotten, so the next caller opens the database again instead
      // of getting a closed one (test files share one process).
      close: async () => {
        if (holder.facecastDb === current) holder.facecastDb = undefined;
        await opened.close();
      },
    }),
    (error: unknown) => {
      if (holder.facecastDb === current) holder.facecastDb = undefined;
      throw error;
    },
  );
  holder.facecastDb = current;
  return current;
}

/** The Prisma client. */
export async function db() {
  return (await database()).prisma;
}
