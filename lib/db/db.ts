/**
 * The app's one database handle. Kept on globalThis because Next.js may evaluate this module
 * in more than one bundle of the same process, and the embedded database must be opened once.
 */
import { env } from '@/lib/config/env';
import { openDatabase, type Database } from './open-database';

const holder = globalThis as typeof globalThis & { facecastDb?: Promise<Database> };

export function database(): Promise<Database> {
  holder.facecastDb ??= openDatabase({
    databaseUrl: env().DATABASE_URL,
    dataDir: env().FACECAST_DATA_DIR,
  }).catch((error: unknown) => {
    holder.facecastDb = undefined;
    throw error;
  });
  return holder.facecastDb;
}

/** The Prisma client. */
export async function db() {
  return (await database()).prisma;
}
