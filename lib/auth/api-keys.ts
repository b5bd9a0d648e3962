/**
 * API keys: `fc_` + 32 random bytes (base64url). Only a SHA-256 of the key is stored: a key
 * has 256 bits of entropy, so a fast hash is enough and lookups stay one indexed query.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { batchQueuePer, succeeded, type Outcome } from '@/lib/db/batch-queue';
import { type ApiKeyScope, assertScopes, knownScopes, normalizeScopes } from './api-key-scopes';

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
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
}

/**
 * Stores a new key. No authority check: the API goes through issueApiKey; this is for the
 * CLI, seeding and tests. `scopes` defaults to everything but `admin`.
 */
export async function createApiKey(
  prisma: PrismaClient,
  options: { userId: string; name: string; scopes?: ApiKeyScope[]; expiresAt?: Date | null },
): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
  const scopes = normalizeScopes(options.scopes ?? DEFAULT_SCOPES);
  const row = await prisma.apiKey.create({
    data: {
      userId: options.userId,
      name: options.name,
      prefix,
      hash: hashApiKey(key),
      scopes,
      expiresAt: options.expiresAt ?? null,
    },
  });
  return { id: row.id, name: row.name, prefix, key, scopes, expiresAt: row.expiresAt };
}

/** Scopes of a new key when none are asked for: the grantor's, but never `admin` unasked. */
const DEFAULT_SCOPES: ApiKeyScope[] = ['read', 'sessions', 'avatars'];

/** Who creates or revokes a key: their scopes, and their own key's expiry (cookie: none). */
export interface Grantor {
  userId: string;
  scopes: readonly ApiKeyScope[];
  /** The expiry of the key making the request; null for the login cookie or a key without. */
  expiresAt: Date | null;
}

/**
 * Creates a key for the grantor's own account with no more than the grantor holds: every
 * scope it grants (403 `insufficient_scope` naming the others), and no later expiry than the
 * grantor's own key (403; left out, the new key expires with it). `expiresAt` must be in the
 * future (422).
 */
export async function issueApiKey(
  prisma: PrismaClient,
  options: {
    grantor: Grantor;
    name: string;
    scopes?: ApiKeyScope[];
    expiresAt?: Date | null;
    now?: Date;
  },
): Promise<CreatedApiKey> {
  const { grantor } = options;
  const now = options.now ?? new Date();
  const scopes = normalizeScopes(
    options.scopes ?? DEFAULT_SCOPES.filter((scope) => grantor.scopes.includes(scope)),
  );
  assertScopes(grantor.scopes, scopes, 'grant them to a new key');
  let expiresAt = options.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new ApiError(
      'unprocessable',
      `expiresAt: ${expiresAt.toISOString()} has passed; give an instant in the future, or leave it out for a key that does not expire.`,
      {},
      { issues: [{ path: 'expiresAt', message: 'must be in the future' }] },
    );
  }
  if (grantor.expiresAt) {
    if (expiresAt && expiresAt > grantor.expiresAt) {
      throw new ApiError(
        'forbidden',
        `A key cannot outlive the key that creates it: this one expires at ${grantor.expiresAt.toISOString()}; ask for that instant or an earlier one.`,
      );
    }
    expiresAt ??= grantor.expiresAt;
  }
  return createApiKey(prisma, { userId: grantor.userId, name: options.name, scopes, expiresAt });
}

/**
 * Revokes one of the grantor's keys, if the grantor holds every scope the key has (a key
 * cannot take away a more powerful one); 404 for a key that is not theirs.
 */
export async function revokeApiKey(
  prisma: PrismaClient,
  options: { grantor: Grantor; id: string },
): Promise<void> {
  const where = { id: options.id, userId: options.grantor.userId };
  const row = await prisma.apiKey.findFirst({ where, select: { scopes: true } });
  if (!row) throw notFound('API key');
  assertScopes(options.grantor.scopes, knownScopes(row.scopes), 'revoke a key that has it');
  await prisma.apiKey.deleteMany({ where });
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

/** A key found by its hash: its owner (disabled or not), scopes as stored, and expiry. */
export type FoundApiKey = {
  id: string;
  scopes: string[];
  expiresAt: Date | null;
  user: { id: string; email: string; isAdmin: boolean; disabledAt: Date | null };
} | null;

/** Whether the key has expired at `now`. */
export const isExpired = (key: { expiresAt: Date | null }, now: Date): boolean =>
  key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime();

/**
 * Keys are looked up in batches (lib/db/batch-queue.ts): the requests that arrive while one
 * lookup runs share the next, one query for all their hashes. Nothing is cached: every
 * request reads its key from the database, so a deleted key stops working at once.
 */
const lookUpKeys = batchQueuePer((prisma: PrismaClient) => ({
  maxBatch: 256,
  // Within a burst, the lookups of requests still being accepted join the next one.
  gatherMs: 2,
  run: async (lookups: KeyLookup[]) => {
    const rows = await prisma.apiKey.findMany({
      where: { hash: { in: [...new Set(lookups.map((l) => l.hash))] } },
      select: {
        id: true,
        hash: true,
        lastUsedAt: true,
        scopes: true,
        expiresAt: true,
        user: { select: { id: true, email: true, isAdmin: true, disabledAt: true } },
      },
    });
    const byHash = new Map(rows.map((row) => [row.hash, row]));
    const nowMs = Math.max(...lookups.map((l) => l.now.getTime()));
    // An expired key is refused, not used: its lastUsedAt stays the last time it worked.
    const stale = rows.filter(
      (row) =>
        !isExpired(row, new Date(nowMs)) &&
        (!row.lastUsedAt || nowMs - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS),
    );
    if (stale.length > 0) {
      await prisma.apiKey.updateMany({
        where: { id: { in: stale.map((row) => row.id) } },
        data: { lastUsedAt: new Date(nowMs) },
      });
    }
    return lookups.map((l): Outcome<FoundApiKey> => {
      const row = byHash.get(l.hash);
      return succeeded(
        row ? { id: row.id, scopes: row.scopes, expiresAt: row.expiresAt, user: row.user } : null,
      );
    });
  },
}));

/**
 * Returns the key (its owner with `disabledAt`, its scopes and expiry: the caller refuses
 * disabled accounts and expired keys, see lib/auth/with-auth.ts resolveCaller), or null for
 * an unknown key.
 */
export async function findApiKey(
  prisma: PrismaClient,
  key: string,
  now = new Date(),
): Promise<FoundApiKey> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  return lookUpKeys(prisma, { hash: hashApiKey(key), now });
}

/** The owner of a key (see findApiKey), or null for an unknown key. */
export async function findUserByApiKey(
  prisma: PrismaClient,
  key: string,
  now = new Date(),
): Promise<NonNullable<FoundApiKey>['user'] | null> {
  return (await findApiKey(prisma, key, now))?.user ?? null;
}
