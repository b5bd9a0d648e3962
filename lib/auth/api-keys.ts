/**
 * API keys: `fc_` + 32 random bytes (base64url). Only a SHA-256 of the key is stored: a key
 * has 256 bits of entropy, so a fast hash is enough and lookups stay one indexed query.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { batchQueuePer, succeeded, type Outcome } from '@/lib/db/batch-queue';

export const API_KEY_PREFIX = 'fc_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The full key: shown to the user once, never stored. */
  key: string;
}

export async function createApiKey(
  prisma: PrismaClient,
  options: { userId: string; name: string },
): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
  const row = await prisma.apiKey.create({
    data: { userId: options.userId, name: options.name, prefix, hash: hashApiKey(key) },
  });
  return { id: row.id, name: row.name, prefix, key };
}

/**
 * `lastUsedAt` is written at most this often per key (ms): the list shows it to the minute,
 * and a write on every request was a third of a small request's database work.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyLookup {
  hash: string;
  now: Date;
}

type KeyOwner = { id: string; email: string; isAdmin: boolean; disabledAt: Date | null } | null;

/**
 * Keys are looked up in batches (lib/db/batch-queue.ts): the requests that arrive while one
 * lookup runs share the next, one query for all their hashes. Nothing is cached: every
 * request reads its key from the database, so a deleted key stops working at once.
 */
const lookUpKeys = batchQueuePer((prisma: PrismaClient) => ({
  maxBatch: 256,
  run: async (lookups: KeyLookup[]) => {
    const rows = await prisma.apiKey.findMany({
      where: { hash: { in: [...new Set(lookups.map((l) => l.hash))] } },
      select: {
        id: true,
        hash: true,
        lastUsedAt: true,
        user: { select: { id: true, email: true, isAdmin: true, disabledAt: true } },
      },
    });
    const byHash = new Map(rows.map((row) => [row.hash, row]));
    const nowMs = Math.max(...lookups.map((l) => l.now.getTime()));
    const stale = rows.filter(
      (row) => !row.lastUsedAt || nowMs - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS,
    );
    if (stale.length > 0) {
      await prisma.apiKey.updateMany({
        where: { id: { in: stale.map((row) => row.id) } },
        data: { lastUsedAt: new Date(nowMs) },
      });
    }
    return lookups.map((l): Outcome<KeyOwner> => succeeded(byHash.get(l.hash)?.user ?? null));
  },
}));

/**
 * Returns the key's owner (with `disabledAt`: the caller refuses disabled accounts, see
 * lib/auth/with-auth.ts resolveUser), or null for an unknown key.
 */
export async function findUserByApiKey(
  prisma: PrismaClient,
  key: string,
  now = new Date(),
): Promise<KeyOwner> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  return lookUpKeys(prisma, { hash: hashApiKey(key), now });
}
