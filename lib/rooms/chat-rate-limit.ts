import type { PrismaClient } from '@prisma/client';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { chatRule } from '@/lib/rate-limits/rules';

/**
 * Counts one chat line (or question) for `key`; throws 429 `rate_limited` with when to retry
 * once FACECAST_CHAT_MESSAGES were sent within FACECAST_CHAT_WINDOW_SECONDS. The counters
 * live in the database so every app instance agrees.
 */
export function consumeChatPoint(prisma: PrismaClient, key: string): Promise<void> {
  return consumeRateLimit(prisma, chatRule(), key);
}
