import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as NextAuth from 'next-auth';
import { z } from 'zod';
import { type ErrorBody, notFound } from '@/lib/api/errors';

// The login cookie is decoded by next-auth inside a Next.js request, which a test does not
// have: the decoded session (whose user id the test sets) stands in for the cookie; what
// happens with that id (the database lookup, the disabled check) is the real code.
const cookie = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('next-auth', async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () =>
    Promise.resolve(cookie.userId ? { user: { id: cookie.userId }, expires: '' } : null),
}));

// withAuth resolves API keys through the app's own database handle (lib/db/db.ts), so this
// test configures the app environment and uses it: embedded in a temp dir, or DATABASE_URL.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-auth-'));
let key: string;
let userId: string;

beforeAll(async () => {
  Object.assign(process.env, {
    FACECAST_DATA_DIR: dataDir,
    AUTH_SECRET: 'test-auth-secret-test-auth-secret-123',
    WORKER_SECRET: 'test-worker-secret-1',
  });
  const { db } = await import('@/lib/db/db');
  const { createUser } = await import('@/lib/users/create-user');
  const { createApiKey } = await import('./api-keys');
  const prisma = await db();
  const email = `auth-${Math.random().toString(36).slice(2)}@example.com`;
  userId = (await createUser(prisma, { email, password: 'password-1' })).id;
  key = (await createApiKey(prisma, { userId, name: 'test' })).key;
});

afterAll(async () => {
  const { database } = await import('@/lib/db/db');
  await (await database()).close();
  rmSync(dataDir, { recursive: true, force: true });
});

const context = { params: Promise.resolve({ id: 'x' }) };
const request = (authorization?: string) =>
  new Request('http://localhost/api/v1/things/x', {
    headers: authorization ? { authorization } : {},
  });

describe('withAuth', () => {
  it('passes the API key owner and the route params to the handler', async () => {
    const { withAuth } = await import('./with-auth');
    const handler = withAuth<{ id: string }>({ scope: 'read' }, ({ user, params }) =>
      Promise.resolve(Response.json({ user: user.id, id: params.id })),
    );
    const response = await handler(request(`Bearer ${key}`), context);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: userId, id: 'x' });
  });

  it('answers 401 JSON for a wrong key or a non-Bearer header, without calling the handler', async () => {
    const { withAuth } = await import('./with-auth');
    let called = false;
    const handler = withAuth({ scope: 'read' }, () => {
      called = true;
      return Promise.resolve(new Response('secret'));
    });
    for (const header of [`Bearer ${key}x`, 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await handler(request(header), context as never);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(called).toBe(false);
  });

  it("turns the handler's errors into JSON responses", async () => {
    const { withAuth } = await import('./with-auth');
    const missing = withAuth({ scope: 'read' }, () => Promise.reject(notFound('Avatar')));
    expect((await missing(request(`Bearer ${key}`), context as never)).status).toBe(404);
    const invalid = withAuth({ scope: 'read' }, () =>
      Promise.resolve(Response.json(z.object({ a: z.string() }).parse({}))),
    );
    const response = await invalid(request(`Bearer ${key}`), context as never);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'unprocessable' } });
  });
});

describe('disabled accounts', () => {
  const ok = () => Promise.resolve(Response.json({ ok: true }));

  it('are refused with 403 by API key and by login cookie, and log in no more', async () => {
    const { db } = await import('@/lib/db/db');
    const { createUser } = await import('@/lib/users/create-user');
    const { createApiKey } = await import('./api-keys');
    const { withAuth } = await import('./with-auth');
    const { currentUser } = await import('./current-user');
    const { authOptions } = await import('./auth-options');
    const prisma = await db();
    const email = `disabled-${Math.random().toString(36).slice(2)}@example.com`;
    const user = await createUser(prisma, { email, password: 'password-1' });
    const userKey = (await createApiKey(prisma, { userId: user.id, name: 'test' })).key;
    const handler = withAuth({ scope: 'read' }, ok);
    const authorize = (
      authOptions().providers[0] as unknown as {
        options: { authorize: (c: Record<string, string>) => Promise<unknown> };
      }
    ).options.authorize;

    // Enabled: both ways in work.
    cookie.userId = user.id;
    expect((await handler(request(`Bearer ${userKey}`), context as never)).status).toBe(200);
    expect((await handler(request(), context as never)).status).toBe(200);
    expect(await currentUser()).toMatchObject({ id: user.id });
    expect(await authorize({ email, password: 'password-1' })).toMatchObject({ id: user.id });

    await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    for (const response of [
      await handler(request(`Bearer ${userKey}`), context as never),
      await handler(request(), context as never),
    ]) {
      expect(response.status).toBe(403);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toMatch(/account is disabled/);
    }
    // Pages see a logged-out visitor; the login form says why it refuses.
    expect(await currentUser()).toBeNull();
    await expect(authorize({ email, password: 'password-1' })).rejects.toThrow(
      /account is disabled/,
    );
    // A wrong password learns nothing about the account.
    expect(await authorize({ email, password: 'wrong-password' })).toBeNull();
    cookie.userId = null;
  });

  it('admin routes answer 404 to everyone but admins', async () => {
    const { db } = await import('@/lib/db/db');
    const { createUser } = await import('@/lib/users/create-user');
    const { createApiKey } = await import('./api-keys');
    const { withAuth } = await import('./with-auth');
    const prisma = await db();
    const admin = await createUser(prisma, {
      email: `admin-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'password-1',
      isAdmin: true,
    });
    const adminKey = (
      await createApiKey(prisma, { userId: admin.id, name: 'test', scopes: ['admin'] })
    ).key;
    const handler = withAuth({ scope: 'admin' }, ok);
    const creator = await createUser(prisma, {
      email: `creator-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'password-1',
    });
    const creatorKey = (await createApiKey(prisma, { userId: creator.id, name: 'test' })).key;
    expect((await handler(request(`Bearer ${adminKey}`), context as never)).status).toBe(200);
    const refused = await handler(request(`Bearer ${creatorKey}`), context as never);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
