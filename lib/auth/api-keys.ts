/**
 * API keys: `fc_` + 32 random bytes (base64url). Only a SHA-256 of the key is stored: a key
 * has 256 bits of entropy, so a fast hash is enough and lookups stay one indexed query.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';

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

/**
 * Returns the key's owner (with `disabledAt`: the caller refuses disabled accounts, see
 * lib/auth/with-auth.ts resolveUser), or null for an unknown key.
 */
export async function findUserByApiKey(prisma: PrismaClient, key: string, now = new Date()) {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const row = await prisma.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: {
      id: true,
      lastUsedAt: true,
      user: { select: { id: true, email: true, isAdmin: true, disabledAt: true } },
    },
  });
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return row.user;
}
