/**
 * The room chat rate limit: on PostgreSQL its counters live in the database, so several app
 * instances share one count; on the embedded database (one app process by construction) in
 * the process's memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { consumeChatPoint } from './chat-rate-limit';

let db: TestDatabase;

beforeAll(async () => {
  setTestEnv('chat-rate', { FACECAST_CHAT_MESSAGES: '5', FACECAST_CHAT_WINDOW_SECONDS: '10' });
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db.destroy());

describe('chat rate limit', () => {
  it('lets 5 lines through per window, refuses the rest with when to retry, per person', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => consumeChatPoint(db.prisma, 'session-1:guest-a')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    const error = (refused[0] as PromiseRejectedResult).reason as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('rate_limited');
    expect(Number(error.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(Number(error.headers['Retry-After'])).toBeLessThanOrEqual(10);
    // Somebody else in the same room has their own count.
    await expect(consumeChatPoint(db.prisma, 'session-1:guest-b')).resolves.toBeUndefined();
    const stored = await db.prisma.rateLimiterFlexible.findMany();
    expect(stored.map((r) => r.key).sort()).toEqual(
      db.kind === 'postgresql' ? ['chat:session-1:guest-a', 'chat:session-1:guest-b'] : [],
    );
  });
});
