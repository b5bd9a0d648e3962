import type { PrismaClient } from '@prisma/client';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';

let limiter: { prisma: PrismaClient; limiter: RateLimiterPrisma } | undefined;

/**
 * Counts one chat line (or question) for `key`; throws 429 `rate_limited` with when to retry
 * once FACECAST_CHAT_MESSAGES were sent within FACECAST_CHAT_WINDOW_SECONDS. The counters
 * live in the database (rate-limiter-flexible's Prisma store) so every app instance agrees.
 */
export async function consumeChatPoint(prisma: PrismaClient, key: string): Promise<void> {
  if (limiter?.prisma !== prisma) {
    limiter = {
      prisma,
      limiter: new RateLimiterPrisma({
        storeClient: prisma,
        // The Prisma client names the model's accessor in camelCase.
        tableName: 'rateLimiterFlexible',
        keyPrefix: 'chat',
        points: env().FACECAST_CHAT_MESSAGES,
        duration: env().FACECAST_CHAT_WINDOW_SECONDS,
      }),
    };
  }
  try {
    await limiter.limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new ApiError(
      'rate_limited',
      `Slow down: at most ${env().FACECAST_CHAT_MESSAGES} messages every ${env().FACECAST_CHAT_WINDOW_SECONDS} seconds. Try again in ${retryAfterSeconds} s.`,
      { 'Retry-After': String(retryAfterSeconds) },
      { retryAfterSeconds },
    );
  }
}
