/**
 * The token-issue limits as clients meet them: the real watch, join and session-token route
 * handlers on the real database. Past FACECAST_TOKENS_PER_MINUTE tokens a minute from one
 * address (watch and join links) or for one account (the API), the answer is 429
 * `rate_limited` with `Retry-After`; other addresses and accounts are still served. LiveKit is
 * pointed at a closed loopback port (the room listing fails and counts nobody, as when the
 * server is down): tokens are signed without it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as NextAuth from 'next-auth';
import type * as JoinRoute from '@/app/api/join/[key]/token/route';
import type * as SessionTokensRoute from '@/app/api/v1/sessions/[id]/tokens/route';
import type * as WatchRoute from '@/app/api/watch/[key]/token/route';
import type { ErrorBody } from '@/lib/api/errors';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { insertSession } from '@/lib/testing/session-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';

// No login cookie in these requests: next-auth reads it inside a Next.js request, which a
// test does not have, so its session lookup answers "nobody" (a stranger with a link).
vi.mock('next-auth', async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(null),
}));

const TOKENS_PER_MINUTE = 3;

let db: TestDatabase;
let restoreEnv = () => {};
let watch: typeof WatchRoute;
let join: typeof JoinRoute;
let sessionTokens: typeof SessionTokensRoute;
let viewerKey: string;
let joinKey: string;
let sessionId: string;
let ownerKey: string;
let otherSessionId: string;
let otherKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  restoreEnv = setTestEnv('token-limits', {
    FACECAST_DATA_DIR: db.dataDir,
    LIVEKIT_URL: 'ws://127.0.0.1:9',
    FACECAST_TOKENS_PER_MINUTE: String(TOKENS_PER_MINUTE),
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  const owner = await seedOwnerWithAvatar(db.prisma, 'tokens-owner@example.com');
  const other = await seedOwnerWithAvatar(db.prisma, 'tokens-other@example.com');
  const session = await insertSession(db.prisma, owner, { publicViewing: true });
  sessionId = session.id;
  viewerKey = session.viewerKey;
  const now = Date.now();
  const booking = await insertBooking(
    db.prisma,
    owner,
    new Date(now - 60_000),
    new Date(now + 3_600_000),
    { maxViewers: 100 },
  );
  joinKey = booking.joinKey;
  await insertSession(db.prisma, owner, { bookingId: booking.id });
  otherSessionId = (await insertSession(db.prisma, other)).id;
  ownerKey = (
    await createApiKey(db.prisma, { userId: owner.userId, name: 't', scopes: ['sessions'] })
  ).key;
  otherKey = (
    await createApiKey(db.prisma, { userId: other.userId, name: 't', scopes: ['sessions'] })
  ).key;
  watch = await import('@/app/api/watch/[key]/token/route');
  join = await import('@/app/api/join/[key]/token/route');
  sessionTokens = await import('@/app/api/v1/sessions/[id]/tokens/route');
}, 60_000);
afterAll(async () => {
  restoreEnv();
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

/** A guest asking for a token from `ip` (as scripts/app-server.mjs sets X-Forwarded-For). */
const guestRequest = (url: string, ip: string) =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ name: 'Ada' }),
  });

const watchToken = (ip: string) =>
  watch.POST(guestRequest(`http://localhost/api/watch/${viewerKey}/token`, ip), {
    params: Promise.resolve({ key: viewerKey }),
  });
const joinToken = (ip: string) =>
  join.POST(guestRequest(`http://localhost/api/join/${joinKey}/token`, ip), {
    params: Promise.resolve({ key: joinKey }),
  });
const apiToken = (key: string, id: string, ip: string) =>
  sessionTokens.POST(
    new Request(`http://localhost/api/v1/sessions/${id}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': ip },
    }),
    { params: Promise.resolve({ id }) },
  );

/** The answer is the token limit's 429, with a Retry-After within the minute. */
async function expectTokenLimit(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.message).toMatch(
    new RegExp(`at most ${TOKENS_PER_MINUTE} a minute\\)\\. Try again in \\d+ s`),
  );
}

async function expectTokens(responses: Promise<Response>[]) {
  for (const response of await Promise.all(responses)) {
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { token?: string }).token).toEqual(expect.any(String));
  }
}

describe('token issue limits', () => {
  it('one address gets FACECAST_TOKENS_PER_MINUTE viewer tokens a minute, then 429', async () => {
    const ip = '203.0.113.10';
    await expectTokens(Array.from({ length: TOKENS_PER_MINUTE }, () => watchToken(ip)));
    await expectTokenLimit(await watchToken(ip));
    // Join links count against the same address budget.
    await expectTokenLimit(await joinToken(ip));
    // Another address is still served.
    await expectTokens([watchToken('203.0.113.11')]);
  });

  it('join links: the same per-address limit', async () => {
    const ip = '203.0.113.20';
    await expectTokens(Array.from({ length: TOKENS_PER_MINUTE }, () => joinToken(ip)));
    await expectTokenLimit(await joinToken(ip));
    await expectTokens([joinToken('203.0.113.21')]);
  });

  it('one account gets FACECAST_TOKENS_PER_MINUTE session tokens a minute from any addresses', async () => {
    await expectTokens(
      Array.from({ length: TOKENS_PER_MINUTE }, (_, i) =>
        apiToken(ownerKey, sessionId, `198.51.100.${i + 1}`),
      ),
    );
    await expectTokenLimit(await apiToken(ownerKey, sessionId, '198.51.100.99'));
    // Another account is still served.
    await expectTokens([apiToken(otherKey, otherSessionId, '198.51.100.99')]);
  });
});
