/**
 * Rate limits whose counters live in the database (rate-limiter-flexible's Prisma store), so
 * every app instance counts the same requests. A rule names its budget; `consumeRateLimit`
 * spends one point of it for a key (an IP address, an account, a room participant) and
 * answers 429 `rate_limited` with `Retry-After` when the budget is spent.
 */
import type { PrismaClient } from '@prisma/client';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '@/lib/api/errors';

export interface RateLimitRule {
  /** Prefix of the counters' keys; one rule, one name. */
  name: string;
  points: number;
  durationSeconds: number;
  /** What the person reads when refused: what the limit is and when to try again. */
  message: (retryAfterSeconds: number) => string;
}

const limiters = new WeakMap<PrismaClient, Map<string, RateLimiterPrisma>>();

/** The limiter of one rule on one database (rebuilt when the rule's budget changes). */
export function limiterFor(
  prisma: PrismaClient,
  rule: Pick<RateLimitRule, 'name' | 'points' | 'durationSeconds'>,
): RateLimiterPrisma {
  let byRule = limiters.get(prisma);
  if (!byRule) limiters.set(prisma, (byRule = new Map<string, RateLimiterPrisma>()));
  const id = `${rule.name}:${rule.points}:${rule.durationSeconds}`;
  let limiter = byRule.get(id);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: prisma,
      // The Prisma client names the model's accessor in camelCase.
      tableName: 'rateLimiterFlexible',
      keyPrefix: rule.name,
      points: rule.points,
      duration: rule.durationSeconds,
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
