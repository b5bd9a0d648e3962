/**
 * The lip-sync model route as a client calls it: real handler, real auth (API key), real
 * database (PGlite) and data dir; only the request objects are built here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Route from '@/app/api/v1/avatars/[id]/lip-sync-model/route';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { buildTestLipSyncModel } from '@/protocol/testing/lip-sync-test-model';

let db: TestDatabase;
let ownerKey: string;
let otherKey: string;
let avatarId: string;
let route: typeof Route;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.FACECAST_DATA_DIR = db.dataDir;
  process.env.AUTH_SECRET ??= 'x'.repeat(40);
  process.env.WORKER_SECRET ??= 'y'.repeat(20);
  // The app's database handle (lib/db/db.ts) is this test's database.
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  const owner = await createUser(db.prisma, { email: 'o@example.com', password: 'password-1' });
  const other = await createUser(db.prisma, { email: 'x@example.com', password: 'password-2' });
  ownerKey = (await createApiKey(db.prisma, { userId: owner.id, name: 't' })).key;
  otherKey = (await createApiKey(db.prisma, { userId: other.id, name: 't' })).key;
  avatarId = (
    await db.prisma.avatar.create({
      data: { userId: owner.id, name: 'Host', sourceType: 'image/png' },
    })
  ).id;
  route = await import('@/app/api/v1/avatars/[id]/lip-sync-model/route');
});
afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

const ctx = () => ({ params: Promise.resolve({ id: avatarId }) });
const url = (query = '') =>
  `http://localhost/api/v1/avatars/${avatarId}/lip-sync-model${query ? `?${query}` : ''}`;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('PUT/GET/DELETE /api/v1/avatars/:id/lip-sync-model', () => {
  it('accepts the raw body with settings in the query', async () => {
    const response = await route.PUT(
      new Request(url('channelOrder=rgb&batchSize=2'), {
        method: 'PUT',
        headers: { ...auth(ownerKey), 'content-type': 'application/octet-stream' },
        body: buildTestLipSyncModel(),
      }),
      ctx(),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      configured: true,
      channelOrder: 'rgb',
      batchSize: 2,
      resolved: { faceSizePx: 96 },
    });
  });

  it('accepts multipart with the file in "model" and the settings as fields', async () => {
    const form = new FormData();
    form.set('model', new Blob([buildTestLipSyncModel({ faceSizePx: 64 })]), 'w.onnx');
    form.set('batchSize', '6');
    form.set('faceInput', 'face');
    const response = await route.PUT(
      new Request(url(), { method: 'PUT', headers: auth(ownerKey), body: form }),
      ctx(),
    );
    expect(response.status).toBe(200);
    const view = (await route
      .GET(new Request(url(), { headers: auth(ownerKey) }), ctx())
      .then((r) => r.json())) as Record<string, unknown>;
    expect(view).toMatchObject({
      configured: true,
      batchSize: 6,
      faceInput: 'face',
      channelOrder: 'bgr',
    });
    expect(view.resolved).toMatchObject({ faceSizePx: 64 });
  });

  it('refuses other content types, missing fields, bad settings and non-models with reasons', async () => {
    const put = (init: RequestInit, query = '') =>
      route.PUT(new Request(url(query), { method: 'PUT', ...init }), ctx());
    const json = await put({
      headers: { ...auth(ownerKey), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const noModel = new FormData();
    noModel.set('batchSize', '4');
    const missing = await put({ headers: auth(ownerKey), body: noModel });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      '"model"',
    );
    const badOrder = await put(
      { headers: { ...auth(ownerKey), 'content-type': 'application/octet-stream' }, body: 'x' },
      'channelOrder=bgra',
    );
    expect(badOrder.status).toBe(422);
    const text = await put({
      headers: { ...auth(ownerKey), 'content-type': 'application/octet-stream' },
      body: 'hello, I am a text file',
    });
    expect(text.status).toBe(422);
    expect(((await text.json()) as { error: { message: string } }).error.message).toContain(
      'not an ONNX model',
    );
    const huge = await put({
      headers: {
        ...auth(ownerKey),
        'content-type': 'application/octet-stream',
        'content-length': String(600 * 1024 * 1024),
      },
    });
    expect(huge.status).toBe(413);
  });

  it("is 404 for another user's avatar and 401 without credentials", async () => {
    const get = await route.GET(new Request(url(), { headers: auth(otherKey) }), ctx());
    expect(get.status).toBe(404);
    const del = await route.DELETE(
      new Request(url(), { method: 'DELETE', headers: auth(otherKey) }),
      ctx(),
    );
    expect(del.status).toBe(404);
    const anonymous = await route.GET(new Request(url(), { headers: auth('fc_nope') }), ctx());
    expect(anonymous.status).toBe(401);
  });

  it('DELETE removes file and settings', async () => {
    const file = path.join(db.dataDir, 'avatars', avatarId, 'lipsync.onnx');
    expect(existsSync(file)).toBe(true);
    const del = await route.DELETE(
      new Request(url(), { method: 'DELETE', headers: auth(ownerKey) }),
      ctx(),
    );
    expect(del.status).toBe(204);
    expect(existsSync(file)).toBe(false);
    const view = await route.GET(new Request(url(), { headers: auth(ownerKey) }), ctx());
    expect(await view.json()).toEqual({ configured: false });
  });
});
