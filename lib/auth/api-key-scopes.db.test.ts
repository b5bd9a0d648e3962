/**
 * API-key scopes and expiry (decision 023) as clients meet them: the real route handlers,
 * real API-key lookups, the real database (embedded, or DATABASE_URL).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as NextAuth from 'next-auth';
import type * as AdminUsersRoute from '@/app/api/v1/admin/users/route';
import type * as ApiKeyRoute from '@/app/api/v1/api-keys/[id]/route';
import type * as ApiKeysRoute from '@/app/api/v1/api-keys/route';
import type * as AvatarsRoute from '@/app/api/v1/avatars/route';
import type * as SessionsRoute from '@/app/api/v1/sessions/route';
import type { ErrorBody } from '@/lib/api/errors';
import type { Database } from '@/lib/db/open-database';
import { MIGRATIONS_DIR } from '@/lib/db/migrate';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import type { ApiKeyScope } from './api-key-scopes';
import { createApiKey, issueApiKey } from './api-keys';

// The login cookie is decoded by next-auth inside a Next.js request, which a test does not
// have: the decoded session (whose user id the test sets) stands in for the cookie.
const cookie = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('next-auth', async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () =>
    Promise.resolve(cookie.userId ? { user: { id: cookie.userId }, expires: '' } : null),
}));

let db: TestDatabase;
let userId: string;
let adminId: string;
const routes = {} as {
  keys: typeof ApiKeysRoute;
  key: typeof ApiKeyRoute;
  sessions: typeof SessionsRoute;
  avatars: typeof AvatarsRoute;
  adminUsers: typeof AdminUsersRoute;
};

beforeAll(async () => {
  db = await createTestDatabase();
  Object.assign(process.env, {
    AUTH_SECRET: 'scopes-auth-secret-scopes-auth-secret',
    WORKER_SECRET: 'scopes-worker-secret',
    FACECAST_DATA_DIR: db.dataDir,
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  // The first account is the installation's admin.
  adminId = (await createUser(db.prisma, { email: 'admin@example.com', password: 'password-2' }))
    .id;
  userId = (
    await createUser(db.prisma, {
      email: 'creator@example.com',
      password: 'password-1',
      isAdmin: false,
    })
  ).id;
  routes.keys = await import('@/app/api/v1/api-keys/route');
  routes.key = await import('@/app/api/v1/api-keys/[id]/route');
  routes.sessions = await import('@/app/api/v1/sessions/route');
  routes.avatars = await import('@/app/api/v1/avatars/route');
  routes.adminUsers = await import('@/app/api/v1/admin/users/route');
});

afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

const keyOf = async (owner: string, scopes: ApiKeyScope[], expiresAt: Date | null = null) =>
  (await createApiKey(db.prisma, { userId: owner, name: 'test', scopes, expiresAt })).key;

/** A request with a key (or, with `key` null, the login cookie from the app's own origin). */
function call(
  method: string,
  url: string,
  key: string | null,
  body?: unknown,
): [Request, { params: Promise<never> }] {
  const headers: Record<string, string> = key
    ? { authorization: `Bearer ${key}` }
    : { origin: 'http://localhost', host: 'localhost' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return [
    new Request(`http://localhost${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
    { params: Promise.resolve({}) as Promise<never> },
  ];
}

const createKey = (key: string | null, body: Record<string, unknown>) =>
  routes.keys.POST(...call('POST', '/api/v1/api-keys', key, { name: 'minted', ...body }));

async function expectError(response: Response, status: number, code: string, message: RegExp) {
  const body = (await response.json()) as ErrorBody;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
  return body.error;
}

describe('scopes of a request', () => {
  it('a read key reads but is refused writes with 403 naming the missing scope', async () => {
    const key = await keyOf(userId, ['read']);
    expect((await routes.sessions.GET(...call('GET', '/api/v1/sessions', key))).status).toBe(200);
    const start = await routes.sessions.POST(
      ...call('POST', '/api/v1/sessions', key, { avatarId: 'x' }),
    );
    const error = await expectError(start, 403, 'insufficient_scope', /"sessions" scope/);
    expect(error.missingScopes).toEqual(['sessions']);
    const upload = await routes.avatars.POST(...call('POST', '/api/v1/avatars', key));
    await expectError(upload, 403, 'insufficient_scope', /"avatars" scope/);
  });

  it('a sessions key cannot read: GET needs read', async () => {
    const key = await keyOf(userId, ['sessions']);
    const list = await routes.sessions.GET(...call('GET', '/api/v1/sessions', key));
    await expectError(list, 403, 'insufficient_scope', /"read" scope/);
  });

  it('room routes (key or login) need read to look and sessions to act', async () => {
    const room = await import('@/app/api/rooms/[id]/route');
    const context = { params: Promise.resolve({ id: 'no-such-session' }) };
    const [look] = call('GET', '/api/rooms/x', await keyOf(userId, ['sessions']));
    await expectError(await room.GET(look, context), 403, 'insufficient_scope', /"read" scope/);
    const [act] = call('PATCH', '/api/rooms/x', await keyOf(userId, ['read']), { locked: true });
    await expectError(
      await room.PATCH(act, context),
      403,
      'insufficient_scope',
      /"sessions" scope/,
    );
    // With the scope, the room itself is judged: none has this id.
    const [find] = call('GET', '/api/rooms/x', await keyOf(userId, ['read']));
    expect((await room.GET(find, context)).status).toBe(404);
  });

  it('admin routes: 404 for non-admins whatever the key says, 403 for an admin key without admin', async () => {
    const list = (key: string) => routes.adminUsers.GET(...call('GET', '/api/v1/admin/users', key));
    // A non-admin's key that somehow holds "admin" (written straight into the database).
    await expectError(await list(await keyOf(userId, ['admin'])), 404, 'not_found', /Not found/);
    await expectError(
      await list(await keyOf(adminId, ['read', 'sessions', 'avatars'])),
      403,
      'insufficient_scope',
      /"admin" scope/,
    );
    const adminKey = await keyOf(adminId, ['admin']);
    expect((await list(adminKey)).status).toBe(200);
    // Demoted: the key's admin scope goes with the owner's admin flag, at once.
    await db.prisma.user.update({ where: { id: adminId }, data: { isAdmin: false } });
    try {
      await expectError(await list(adminKey), 404, 'not_found', /Not found/);
    } finally {
      await db.prisma.user.update({ where: { id: adminId }, data: { isAdmin: true } });
    }
  });

  it('the login cookie has every scope its user has', async () => {
    cookie.userId = adminId;
    try {
      const created = await createKey(null, { scopes: ['read', 'sessions', 'avatars', 'admin'] });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({
        scopes: ['read', 'sessions', 'avatars', 'admin'],
        expiresAt: null,
      });
      expect(
        (await routes.adminUsers.GET(...call('GET', '/api/v1/admin/users', null))).status,
      ).toBe(200);
      // Without asking, not admin.
      expect(await (await createKey(null, {})).json()).toMatchObject({
        scopes: ['read', 'sessions', 'avatars'],
      });
      cookie.userId = userId;
      const refused = await createKey(null, { scopes: ['admin'] });
      await expectError(refused, 403, 'insufficient_scope', /"admin" scope/);
    } finally {
      cookie.userId = null;
    }
  });
});

describe('expiry', () => {
  it('an expired key is refused with 401 saying it expired, and is not marked used', async () => {
    const key = await keyOf(userId, ['read'], new Date(Date.now() + 60_000));
    const list = () => routes.sessions.GET(...call('GET', '/api/v1/sessions', key));
    expect((await list()).status).toBe(200);
    const row = await db.prisma.apiKey.findFirstOrThrow({
      where: { userId, expiresAt: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    const past = new Date(Date.now() - 1000);
    await db.prisma.apiKey.update({
      where: { id: row.id },
      data: { expiresAt: past, lastUsedAt: new Date(Date.now() - 3_600_000) },
    });
    const error = await expectError(await list(), 401, 'unauthorized', /expired/);
    expect(error.expiredAt).toBe(past.toISOString());
    const after = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: row.id } });
    expect(Date.now() - (after.lastUsedAt?.getTime() ?? 0)).toBeGreaterThan(3_000_000);
    // The list says so.
    cookie.userId = userId;
    try {
      const listed = (await (
        await routes.keys.GET(...call('GET', '/api/v1/api-keys', null))
      ).json()) as { apiKeys: { id: string; expired: boolean; expiresAt: string | null }[] };
      expect(listed.apiKeys.find((k) => k.id === row.id)).toMatchObject({
        expired: true,
        expiresAt: past.toISOString(),
      });
    } finally {
      cookie.userId = null;
    }
  });

  it('expiresAt must be an ISO 8601 instant in the future (422)', async () => {
    const key = await keyOf(userId, ['read', 'sessions']);
    const past = await createKey(key, { expiresAt: '2020-01-01T00:00:00Z' });
    await expectError(past, 422, 'unprocessable', /expiresAt.*future/);
    const garbage = await createKey(key, { expiresAt: 'next tuesday' });
    await expectError(garbage, 422, 'unprocessable', /expiresAt: Give an ISO 8601 instant/);
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const created = await createKey(key, { expiresAt: later });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ expiresAt: later });
  });

  it('issueApiKey judges "in the future" against the time it is given', async () => {
    const grantor = { userId, scopes: ['read'] as ApiKeyScope[], expiresAt: null };
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    await expect(
      issueApiKey(db.prisma, { grantor, name: 't', expiresAt, now: new Date('2031-01-01') }),
    ).rejects.toThrow(/has passed/);
    const created = await issueApiKey(db.prisma, {
      grantor,
      name: 't',
      expiresAt,
      now: new Date('2029-01-01'),
    });
    expect(created.expiresAt).toEqual(expiresAt);
  });
});

describe('no escalation', () => {
  it('a key grants only scopes it holds; by default its own, never admin', async () => {
    const key = await keyOf(userId, ['sessions']);
    for (const scopes of [['avatars'], ['sessions', 'read'], ['admin']]) {
      const refused = await createKey(key, { scopes });
      const error = await expectError(refused, 403, 'insufficient_scope', /grant/);
      expect(error.missingScopes).toEqual(scopes.filter((s) => s !== 'sessions'));
    }
    const created = await createKey(key, {});
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; scopes: string[] };
    expect(body.scopes).toEqual(['sessions']);
    // The minted key really is limited: it cannot read.
    const list = await routes.sessions.GET(...call('GET', '/api/v1/sessions', body.key));
    await expectError(list, 403, 'insufficient_scope', /"read"/);

    const adminKey = await keyOf(adminId, ['read', 'admin']);
    const adminDefault = (await (await createKey(adminKey, {})).json()) as { scopes: string[] };
    expect(adminDefault.scopes).toEqual(['read']);
    expect((await createKey(adminKey, { scopes: ['admin'] })).status).toBe(201);
  });

  it('an expiring key cannot mint a key that outlives it; left out, the new key expires with it', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const key = await keyOf(userId, ['read', 'sessions'], expiresAt);
    const refused = await createKey(key, {
      expiresAt: new Date(expiresAt.getTime() + 1000).toISOString(),
    });
    await expectError(refused, 403, 'forbidden', /cannot outlive/);
    const never = await createKey(key, { expiresAt: null });
    expect(((await never.json()) as { expiresAt: string }).expiresAt).toBe(expiresAt.toISOString());
    const inherited = await createKey(key, {});
    expect(((await inherited.json()) as { expiresAt: string }).expiresAt).toBe(
      expiresAt.toISOString(),
    );
    const earlier = new Date(expiresAt.getTime() - 1000).toISOString();
    expect(
      ((await (await createKey(key, { expiresAt: earlier })).json()) as { expiresAt: string })
        .expiresAt,
    ).toBe(earlier);
  });

  it('a key revokes only keys whose scopes it holds, itself included', async () => {
    const weak = await createApiKey(db.prisma, { userId, name: 'weak', scopes: ['sessions'] });
    const strong = await createApiKey(db.prisma, { userId, name: 'strong' });
    const revoke = (id: string, key: string) =>
      routes.key.DELETE(
        new Request(`http://localhost/api/v1/api-keys/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${key}` },
        }),
        { params: Promise.resolve({ id }) },
      );
    await expectError(await revoke(strong.id, weak.key), 403, 'insufficient_scope', /revoke/);
    expect(await db.prisma.apiKey.count({ where: { id: strong.id } })).toBe(1);
    expect((await revoke(weak.id, weak.key)).status).toBe(204);
    expect((await revoke(weak.id, weak.key)).status).toBe(401);
    const other = await createApiKey(db.prisma, { userId: adminId, name: 'other' });
    expect((await revoke(other.id, strong.key)).status).toBe(404);
  });
});

describe('the migration', () => {
  it("gives existing keys their owner's power: all four for admins, the rest for others", async () => {
    const dir = readdirSync(MIGRATIONS_DIR).find((name) => name.endsWith('_api_key_scopes'));
    const sql = readFileSync(path.join(MIGRATIONS_DIR, dir ?? '', 'migration.sql'), 'utf8');
    const backfill = sql.slice(sql.indexOf('UPDATE "ApiKey"'));
    const before = await createApiKey(db.prisma, { userId, name: 'old', scopes: [] });
    const adminBefore = await createApiKey(db.prisma, { userId: adminId, name: 'old', scopes: [] });
    await db.prisma.$executeRawUnsafe(backfill);
    const scopes = async (id: string) =>
      (await db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).scopes;
    expect(await scopes(before.id)).toEqual(['read', 'sessions', 'avatars']);
    expect(await scopes(adminBefore.id)).toEqual(['read', 'sessions', 'avatars', 'admin']);
  });
});
