/**
 * The events the rest of the app emits, recorded for a subscribed endpoint by the code that
 * does the thing, not by hand: `booking.created`, `booking.updated` and `booking.cancelled`
 * from the real booking routes (real handlers, real API-key auth; they emit after
 * lib/bookings succeeds), and `avatar.failed` from a real avatar preparation that finds no
 * face. Deliveries are only recorded here; sending them is deliver.db.test.ts's.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as BookingRoute from '@/app/api/v1/bookings/[id]/route';
import type * as BookingsRoute from '@/app/api/v1/bookings/route';
import { createApiKey } from '@/lib/auth/api-keys';
import { createAvatar } from '@/lib/avatars/create-avatar';
import type { Database } from '@/lib/db/open-database';
import { outboundPolicyOf } from '@/lib/providers/outbound-policy';
import { seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createWebhookEndpoint } from './endpoints';
import type { WebhookEvent, WebhookPayload } from './events';

const MINUTE = 60_000;

let db: TestDatabase;
let restoreEnv = () => {};
let owner: { userId: string; avatarId: string };
let apiKey: string;
let bookings: typeof BookingsRoute;
let booking: typeof BookingRoute;

beforeAll(async () => {
  db = await createTestDatabase();
  restoreEnv = setTestEnv('domain-webhooks', {
    FACECAST_DATA_DIR: db.dataDir,
    LIVEKIT_URL: 'ws://127.0.0.1:9',
    FACECAST_BOOKABLE_SLOTS: '4',
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  // The first account is the admin, who may point a webhook at this machine; nothing listens
  // there: no dispatcher runs in this test, deliveries are only recorded.
  owner = await seedOwnerWithAvatar(db.prisma, 'events@example.com');
  apiKey = (
    await createApiKey(db.prisma, { userId: owner.userId, name: 't', scopes: ['sessions'] })
  ).key;
  bookings = await import('@/app/api/v1/bookings/route');
  booking = await import('@/app/api/v1/bookings/[id]/route');
}, 60_000);
afterAll(async () => {
  restoreEnv();
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});
beforeEach(async () => {
  await db.prisma.webhookEndpoint.deleteMany();
});

async function subscribe(events: WebhookEvent[]) {
  return createWebhookEndpoint(db.prisma, {
    userId: owner.userId,
    url: 'http://127.0.0.1:9/hook',
    events,
    appSecret: process.env.AUTH_SECRET!,
    outbound: await outboundPolicyOf(db.prisma, owner.userId),
  });
}

/** The events recorded for an endpoint, oldest first, with their bodies. */
async function recorded(endpointId: string) {
  const rows = await db.prisma.webhookDelivery.findMany({
    where: { endpointId },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => ({
    event: row.event,
    payload: row.payload as unknown as WebhookPayload,
  }));
}

const api = (method: string, path: string, body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe('booking webhooks', () => {
  it('creating, moving and cancelling a booking records booking.created, .updated, .cancelled', async () => {
    const endpoint = await subscribe(['booking.created', 'booking.updated', 'booking.cancelled']);
    // Another endpoint of the account that wants none of them gets nothing.
    const other = await subscribe(['session.started']);
    const startsAt = new Date(Math.ceil((Date.now() + 2 * 24 * 60 * MINUTE) / MINUTE) * MINUTE);
    const endsAt = new Date(startsAt.getTime() + 30 * MINUTE);

    const created = await bookings.POST(
      api('POST', '/api/v1/bookings', {
        avatarId: owner.avatarId,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        kind: 'private',
      }),
      { params: Promise.resolve({}) },
    );
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const params = { params: Promise.resolve({ id }) };

    const later = new Date(endsAt.getTime() + 30 * MINUTE);
    const moved = await booking.PATCH(
      api('PATCH', `/api/v1/bookings/${id}`, { endsAt: later.toISOString() }),
      params,
    );
    expect(moved.status, await moved.clone().text()).toBe(200);
    const cancelled = await booking.DELETE(api('DELETE', `/api/v1/bookings/${id}`), params);
    expect(cancelled.status).toBe(204);
    // Cancelling again changes nothing, and says nothing more.
    expect((await booking.DELETE(api('DELETE', `/api/v1/bookings/${id}`), params)).status).toBe(
      204,
    );

    // One event each (recorded within the same millisecond, maybe: looked up by type).
    const events = await recorded(endpoint.id);
    expect(events.map((e) => e.event).sort()).toEqual([
      'booking.cancelled',
      'booking.created',
      'booking.updated',
    ]);
    const data = (type: WebhookEvent) => events.find((e) => e.event === type)?.payload.data;
    for (const { event, payload } of events) {
      expect(payload).toMatchObject({ type: event, data: { booking: { id } } });
    }
    expect(data('booking.created')).toMatchObject({
      booking: { avatarId: owner.avatarId, startsAt: startsAt.toISOString(), status: 'scheduled' },
    });
    expect(data('booking.updated')).toMatchObject({ booking: { endsAt: later.toISOString() } });
    expect(data('booking.cancelled')).toMatchObject({ booking: { status: 'cancelled' } });
    expect(await recorded(other.id)).toEqual([]);
  });
});

describe('avatar webhooks', () => {
  it('a preparation that fails records avatar.failed with the reason', async () => {
    const endpoint = await subscribe(['avatar.failed', 'avatar.ready']);
    const noFace = await sharp({
      create: { width: 320, height: 240, channels: 3, background: '#3a7bd5' },
    })
      .png()
      .toBuffer();
    const avatar = await createAvatar(db.prisma, {
      userId: owner.userId,
      name: 'Sky',
      file: noFace,
      dataDir: db.dataDir,
      maxBytes: 20 * 1024 * 1024,
      waitForPreparation: true,
    });
    expect(avatar.status).toBe('failed');

    const events = await recorded(endpoint.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: 'avatar.failed',
      payload: {
        type: 'avatar.failed',
        data: {
          avatarId: avatar.id,
          name: 'Sky',
          status: 'failed',
          error: expect.stringMatching(/no face/i) as unknown,
        },
      },
    });
  }, 120_000);
});
