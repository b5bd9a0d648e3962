import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { notFound } from '@/lib/api/errors';

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
    const handler = withAuth<{ id: string }>(({ user, params }) =>
      Promise.resolve(Response.json({ user: user.id, id: params.id })),
    );
    const response = await handler(request(`Bearer ${key}`), context);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: userId, id: 'x' });
  });

  it('answers 401 JSON for a wrong key or a non-Bearer header, without calling the handler', async () => {
    const { withAuth } = await import('./with-auth');
    let called = false;
    const handler = withAuth(() => {
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
    const missing = withAuth(() => Promise.reject(notFound('Avatar')));
    expect((await missing(request(`Bearer ${key}`), context as never)).status).toBe(404);
    const invalid = withAuth(() =>
      Promise.resolve(Response.json(z.object({ a: z.string() }).parse({}))),
    );
    const response = await invalid(request(`Bearer ${key}`), context as never);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'unprocessable' } });
  });
});
