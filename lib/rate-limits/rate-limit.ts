/**
 * Rate limits whose counters live in the database (rate-limiter-flexible's Prisma store), so
 * every app instance counts the same requests. With the embedded database there is one app
 * process by construction (lib/db/open-database.ts), so a short-lived rule's counters are
 * kept in its memory instead: the same counts, without two writes per request
 * (docs/decisions/018-client-address-and-abuse-controls.md). A rule names its budget; `consumeRateLimit`
 * spends one point of it for a key (an IP address, an account, a room participant) and
 * answers 429 `rate_limited` with `Retry-After` when the budget is spent.
 */
import type { PrismaClient } from '@prisma/client';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '@/lib/api/errors';
import { isEmbeddedDatabase } from '@/lib/db/open-database';

export interface RateLimitRule {
  /** Prefix of the counters' keys; one rule, one name. */
  name: string;
  points: number;
  durationSeconds: number;
  /**
   * Counters that matter for a minute or so (tokens, chat, widget starts): kept in memory
   * with the embedded database. Rules whose state must outlive a restart (sign-in backoff,
   * registrations per hour) leave it unset.
   */
  shortLived?: boolean;
  /** What the person reads when refused: what the limit is and when to try again. */
  message: (retryAfterSeconds: number) => string;
}

type Limiter = RateLimiterPrisma | RateLimiterMemory;
/**
 * Limiters per database and rule, on globalThis: Next.js bundles this module into each route's
 * chunk, and in-memory counters per chunk would give each route its own budget.
 */
const holder = globalThis as typeof globalThis & {
  facecastLimiters?: WeakMap<PrismaClient, Map<string, Limiter>>;
};
const limiters = (holder.facecastLimiters ??= new WeakMap<PrismaClient, Map<string, Limiter>>());

/** The limiter of one rule on one database (rebuilt when the rule's budget changes). */
export function limiterFor(
  prisma: PrismaClient,
  rule: Pick<RateLimitRule, 'name' | 'points' | 'durationSeconds' | 'shortLived'>,
): Limiter {
  let byRule = limiters.get(prisma);
  if (!byRule) limiters.set(prisma, (byRule = new Map<string, Limiter>()));
  const id = `${rule.name}:${rule.points}:${rule.durationSeconds}`;
  let limiter = byRule.get(id);
  if (!limiter) {
    const options = { keyPrefix: rule.name, points: rule.points, duration: rule.durationSeconds };
    limiter =
      rule.shortLived && isEmbeddedDatabase(prisma)
        ? new RateLimiterMemory(options)
        : new RateLimiterPrisma({
            ...options,
            storeClient: prisma,
            // The Prisma client names the model's accessor in camelCase.
            tableName: 'rateLimiterFlexible',
          });
    byRule.set(id, limiter);
  }
  return limiter;
}

/** 429 `rate_limited` with `Retry-After` (whole seconds, at least 1). */
export function rateLimited(msBeforeNext: number, message: (seconds: number) => string): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ApiError(
    'rate_limited',
    message(retryAfterSeconds),
    { 'Retry-After': String(retryAfterSeconds) },
    { retryAfterSeconds },
  );
}

/** Spends one point of `rule` for `key`; throws 429 once the budget is spent. */
export async function consumeRateLimit(
  prisma: PrismaClient,
  rule: RateLimitRule,
  key: string,
): Promise<void> {
  try {
    await limiterFor(prisma, rule).consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw rateLimited(error.msBeforeNext, rule.message);
  }
}

/** "in 42 s" / "in 3 min": when to try again, as a person says it. */
export function retryIn(seconds: number): string {
  return seconds < 120 ? `in ${seconds} s` : `in ${Math.ceil(seconds / 60)} min`;
}
