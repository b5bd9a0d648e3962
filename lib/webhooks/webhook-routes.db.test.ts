/**
 * The /api/v1/webhooks handlers as a client meets them (the app's own database handle and
 * environment, as withAuth uses): the secret shown once, URLs checked when set (metadata
 * never; loopback only for admins or allowlisted hosts), another account's ids not found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-webhook-routes-'));
let prisma: PrismaClient;
let ownerKey: string;
let otherKey: string;
let adminKey: string;

beforeAll(async () => {
  Object.assign(process.env, {
    FACECAST_DATA_DIR: dataDir,
    AUTH_SECRET: 'test-auth-secret-webhook-routes-0123456789',
    WORKER_SECRET: 'test-worker-secret-1',
    FACECAST_PLUGINS: '',
    // One allowlisted local receiver; other local ports stay refused to non-admins.
    FACECAST_OUTBOUND_ALLOWLIST: '127.0.0.1:9',
    LOG_LEVEL: 'error',
  });
  const { db } = await import('@/lib/db/db');
  const { createUser } = await import('@/lib/users/create-user');
  const { createApiKey } = await import('@/lib/auth/api-keys');
  prisma = await db();
  const user = async (name: string, isAdmin: boolean) => {
    const { id } = await createUser(prisma, {
      email: `${name}-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'pw-1234567',
      isAdmin,
    });
    return (await createApiKey(prisma, { userId: id, name: 't' })).key;
  };
  adminKey = await user('admin', true);
  ownerKey = await user('owner', false);
  otherKey = await user('other', false);
}, 60_000);

afterAll(async () => {
  const { database } = await import('@/lib/db/db');
  await (await database()).close();
  rmSync(dataDir, { recursive: true, force: true });
});

function call(method: string, url: string, key: string, body?: unknown): Request {
  return new Request(`http://localhost${url}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function create(body: unknown, key = ownerKey) {
  const { POST } = await import('@/app/api/v1/webhooks/route');
  const response = await POST(call('POST', '/api/v1/webhooks', key, body), {
    params: Promise.resolve({}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const issues = (body: Record<string, unknown>) => JSON.stringify(body);

describe('/api/v1/webhooks', () => {
  it('creates an endpoint; the secret is in that answer only', async () => {
    const made = await create({
      url: 'https://hooks.example.com/facecast',
      events: ['session.started', 'session.ended', 'session.started'],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      url: 'https://hooks.example.com/facecast',
      events: ['session.started', 'session.ended'],
      description: null,
    });
    const secret = made.body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const { GET } = await import('@/app/api/v1/webhooks/route');
    const list = await GET(call('GET', '/api/v1/webhooks', ownerKey), {
      params: Promise.resolve({}),
    });
    const text = await list.text();
    expect(text).toContain(made.body.id as string);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('secret');
  });

  it('refuses the metadata address (422), whoever asks', async () => {
    for (const key of [ownerKey, adminKey]) {
      const made = await create({ url: 'http://169.254.169.254/', events: ['avatar.ready'] }, key);
      expect(made.status).toBe(422);
      expect(issues(made.body)).toMatch(/url: .*169\.254\.169\.254/);
    }
  });

  it('refuses a loopback URL for a non-admin unless its host is allowlisted', async () => {
    const refused = await create({ url: 'http://127.0.0.1:8080/hook', events: ['avatar.ready'] });
    expect(refused.status).toBe(422);
    expect(issues(refused.body)).toMatch(/url: /);
    const allowlisted = await create({ url: 'http://127.0.0.1:9/hook', events: ['avatar.ready'] });
    expect(allowlisted.status).toBe(201);
    const admin = await create(
      { url: 'http://127.0.0.1:8080/hook', events: ['avatar.ready'] },
      adminKey,
    );
    expect(admin.status).toBe(201);
  });

  it('refuses unknown events and non-http URLs with what to do', async () => {
    const badEvent = await create({ url: 'https://x.example/h', events: ['session.exploded'] });
    expect(badEvent.status).toBe(422);
    expect(issues(badEvent.body)).toMatch(/session\.started/);
    const noEvents = await create({ url: 'https://x.example/h', events: [] });
    expect(noEvents.status).toBe(422);
    const ftp = await create({ url: 'ftp://x.example/h', events: ['avatar.ready'] });
    expect(ftp.status).toBe(422);
    expect(issues(ftp.body)).toMatch(/http\(s\) URL/);
  });

  it("another account's endpoint and deliveries are not found (404)", async () => {
    const made = await create({ url: 'https://hooks.example.com/x', events: ['avatar.ready'] });
    const id = made.body.id as string;
    const delivery = await prisma.webhookDelivery.create({
      data: {
        endpointId: id,
        messageId: 'msg_test',
        event: 'avatar.ready',
        payload: { type: 'avatar.ready', timestamp: new Date().toISOString(), data: {} },
        status: 'failed',
      },
    });
    const one = await import('@/app/api/v1/webhooks/[id]/route');
    const deliveries = await import('@/app/api/v1/webhooks/[id]/deliveries/route');
    const replay = await import('@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/replay/route');
    const params = { params: Promise.resolve({ id }) };
    const url = `/api/v1/webhooks/${id}`;
    const answers = [
      await one.GET(call('GET', url, otherKey), params),
      await one.DELETE(call('DELETE', url, otherKey), params),
      await deliveries.GET(call('GET', `${url}/deliveries`, otherKey), params),
      await replay.POST(call('POST', `${url}/deliveries/${delivery.id}/replay`, otherKey), {
        params: Promise.resolve({ id, deliveryId: delivery.id }),
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    // The owner sees it, replays it, deletes it.
    expect((await one.GET(call('GET', url, ownerKey), params)).status).toBe(200);
    const replayed = await replay.POST(
      call('POST', `${url}/deliveries/${delivery.id}/replay`, ownerKey),
      { params: Promise.resolve({ id, deliveryId: delivery.id }) },
    );
    expect(replayed.status).toBe(202);
    expect(await replayed.json()).toMatchObject({ replayOf: delivery.id, messageId: 'msg_test' });
    const log = await deliveries.GET(call('GET', `${url}/deliveries`, ownerKey), params);
    expect(((await log.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(2);
    expect((await one.DELETE(call('DELETE', url, ownerKey), params)).status).toBe(204);
    expect(await prisma.webhookDelivery.count({ where: { endpointId: id } })).toBe(0);
  });
});
