/**
 * Webhook deliveries on the real database (PGlite, and PostgreSQL in CI) to a real HTTP
 * server on 127.0.0.1: signatures checked with the `standardwebhooks` library as a receiver
 * would, retries walked through their 24 h by injected clock (no sleeping), exclusive claims
 * when two dispatch ticks race, replay, and a redirect to the metadata address refused.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { openDatabase } from '@/lib/db/open-database';
import { deliverDue } from './deliver';
import { emitWebhookEvent } from './emit';
import { createWebhookEndpoint, listDeliveries, replayDelivery } from './endpoints';
import { DELIVERY_RETENTION_MS, pruneDeliveries } from './prune-deliveries';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records what it gets and answers with `reply()`'s status and body. */
class Receiver {
  received: Received[] = [];
  reply: () => { status: number; body?: string; headers?: Record<string, string> } = () => ({
    status: 204,
  });
  delayMs = 0;
  private server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      this.received.push({ headers: request.headers, body });
      const { status, body: text, headers } = this.reply();
      setTimeout(() => response.writeHead(status, headers).end(text), this.delayMs);
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let db: TestDatabase;
let userId: string;
const receiver = new Receiver();
const appSecret = () => process.env.AUTH_SECRET!;

beforeAll(async () => {
  setTestEnv('webhooks', { LOG_LEVEL: 'error' });
  db = await createTestDatabase();
  // An admin: may send to this machine (a non-admin's loopback URL is refused: routes test).
  userId = (
    await createUser(db.prisma, {
      email: 'hooks@example.com',
      password: 'password-1',
      isAdmin: true,
    })
  ).id;
  await receiver.start();
}, 60_000);
afterAll(async () => {
  await receiver.close();
  await db.destroy();
});
beforeEach(async () => {
  await db.prisma.webhookEndpoint.deleteMany();
  receiver.received = [];
  receiver.reply = () => ({ status: 204 });
  receiver.delayMs = 0;
});

async function endpoint(events: Parameters<typeof createWebhookEndpoint>[1]['events']) {
  return createWebhookEndpoint(db.prisma, {
    userId,
    url: receiver.url,
    events,
    appSecret: appSecret(),
    outbound: { allowPrivate: true, allowlist: [] },
  });
}

function tick(now: Date) {
  return deliverDue(db.prisma, { now, appSecret: appSecret() });
}

describe('webhook deliveries', () => {
  it('posts the event signed the Standard Webhooks way, and logs the answer', async () => {
    const { id, secret } = await endpoint(['session.started']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    receiver.reply = () => ({ status: 200, body: 'thanks' });
    const now = new Date(); // the receiver checks the timestamp against its own clock
    await emitWebhookEvent(db.prisma, userId, 'session.started', { sessionId: 's1' }, now);
    await emitWebhookEvent(db.prisma, userId, 'session.ended', { sessionId: 's1' }, now);

    expect(await tick(now)).toHaveLength(1); // session.ended: not subscribed
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const verified = new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'session.started',
      timestamp: now.toISOString(),
      data: { sessionId: 's1' },
    });
    expect(got!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(got!.headers['content-type']).toBe('application/json');
    // A wrong secret does not verify.
    const other = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    expect(() =>
      new Webhook(other).verify(got!.body, got!.headers as Record<string, string>),
    ).toThrow();

    const [delivery] = await listDeliveries(db.prisma, userId, id);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
      nextAttemptAt: null,
      attemptLog: [{ status: 200, responseExcerpt: 'thanks', error: null }],
    });
    // Nothing is due any more.
    expect(await tick(new Date(now.getTime() + HOUR))).toHaveLength(0);
  });

  it('retries a failing endpoint 5 s, 5 min, 30 min, 2 h, 5 h, 10 h apart, then gives up at 24 h', async () => {
    const { id } = await endpoint(['avatar.ready']);
    receiver.reply = () => ({ status: 500, body: 'boom' });
    const t0 = new Date('2031-03-01T10:00:00.000Z');
    await emitWebhookEvent(db.prisma, userId, 'avatar.ready', { avatarId: 'a1' }, t0);

    const expectedAt = [
      0,
      5 * SECOND,
      5 * MINUTE + 5 * SECOND,
      35 * MINUTE + 5 * SECOND,
      2 * HOUR + 35 * MINUTE + 5 * SECOND,
      7 * HOUR + 35 * MINUTE + 5 * SECOND,
      17 * HOUR + 35 * MINUTE + 5 * SECOND,
      24 * HOUR, // the last retry is at the end of the window, not after it
    ];
    for (const [n, offset] of expectedAt.entries()) {
      // A moment early: not due yet.
      if (offset > 0) expect(await tick(new Date(t0.getTime() + offset - 1))).toHaveLength(0);
      expect(await tick(new Date(t0.getTime() + offset))).toHaveLength(1);
      expect(receiver.received).toHaveLength(n + 1);
      const [delivery] = await listDeliveries(db.prisma, userId, id);
      const next = expectedAt[n + 1];
      expect(delivery).toMatchObject({
        attempts: n + 1,
        lastStatus: 500,
        status: next === undefined ? 'failed' : 'pending',
        nextAttemptAt: next === undefined ? null : new Date(t0.getTime() + next).toISOString(),
      });
    }
    const [failed] = await listDeliveries(db.prisma, userId, id);
    expect(failed!.lastError).toMatch(/answered 500/);
    expect(failed!.attemptLog).toHaveLength(8);
    expect(failed!.attemptLog.every((a) => a.status === 500 && a.responseExcerpt === 'boom')).toBe(
      true,
    );
    // Every attempt was the same message.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(await tick(new Date(t0.getTime() + 48 * HOUR))).toHaveLength(0);
  });

  it('an endpoint that does not answer in time is retried', async () => {
    const { id } = await endpoint(['avatar.failed']);
    receiver.delayMs = 13 * SECOND; // well past the 10 s deadline
    const t0 = new Date('2031-03-02T10:00:00.000Z');
    await emitWebhookEvent(db.prisma, userId, 'avatar.failed', { avatarId: 'a2' }, t0);
    expect(await tick(t0)).toHaveLength(1);
    const [delivery] = await listDeliveries(db.prisma, userId, id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(delivery!.lastError).toMatch(/No answer within 10 s/);
  }, 30_000);

  it('two dispatch ticks racing send a delivery once', async () => {
    await endpoint(['booking.created']);
    receiver.delayMs = 200;
    const now = new Date('2031-03-03T10:00:00.000Z');
    await emitWebhookEvent(db.prisma, userId, 'booking.created', { booking: { id: 'b1' } }, now);
    const [first, second] = await Promise.all([tick(now), tick(now)]);
    expect(first.length + second.length).toBe(1);
    expect(receiver.received).toHaveLength(1);
    // A later tick within the claim does not take it either.
    expect(await tick(new Date(now.getTime() + 30 * SECOND))).toHaveLength(0);
  });

  // Two clients on one PostgreSQL database are two app instances.
  it.runIf(process.env.DATABASE_URL)(
    'two app instances send a delivery once (PostgreSQL)',
    async () => {
      await endpoint(['booking.updated']);
      receiver.delayMs = 100;
      const second = await openDatabase({ dataDir: db.dataDir, databaseUrl: db.url! });
      try {
        const now = new Date('2031-03-04T10:00:00.000Z');
        for (let i = 0; i < 10; i++)
          await emitWebhookEvent(db.prisma, userId, 'booking.updated', { n: i }, now);
        const results = await Promise.all([
          tick(now),
          deliverDue(second.prisma, { now, appSecret: appSecret() }),
          tick(now),
        ]);
        expect(results.flat().sort()).toHaveLength(10);
        expect(new Set(results.flat()).size).toBe(10);
        expect(receiver.received).toHaveLength(10);
      } finally {
        await second.close();
      }
    },
  );

  it('replay sends the same message again as a new delivery', async () => {
    const { id, secret } = await endpoint(['transcript.ready']);
    const now = new Date();
    await emitWebhookEvent(db.prisma, userId, 'transcript.ready', { sessionId: 's9' }, now);
    await tick(now);
    const [original] = await listDeliveries(db.prisma, userId, id);
    const replay = await replayDelivery(db.prisma, {
      userId,
      endpointId: id,
      deliveryId: original!.id,
      now,
    });
    expect(replay).toMatchObject({
      status: 'pending',
      attempts: 0,
      replayOf: original!.id,
      messageId: original!.messageId,
      event: 'transcript.ready',
    });
    expect(await tick(now)).toEqual([replay.id]);
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(b!.body).toBe(a!.body);
    expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id']);
    new Webhook(secret).verify(b!.body, b!.headers as Record<string, string>);
    const log = await listDeliveries(db.prisma, userId, id);
    expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('a redirect to the metadata address is refused when the delivery is sent', async () => {
    const { id } = await endpoint(['session.ended']);
    receiver.reply = () => ({
      status: 307,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    });
    const now = new Date('2031-03-05T10:00:00.000Z');
    await emitWebhookEvent(db.prisma, userId, 'session.ended', { sessionId: 's3' }, now);
    await tick(now);
    const [delivery] = await listDeliveries(db.prisma, userId, id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(delivery!.lastError).toMatch(/^Not sent: .*169\.254\.169\.254/);
  });

  it('a redirect that would turn the POST into a GET is not followed', async () => {
    const { id } = await endpoint(['session.ended']);
    receiver.reply = () => ({ status: 302, headers: { location: '/elsewhere' } });
    const now = new Date('2031-03-06T10:00:00.000Z');
    await emitWebhookEvent(db.prisma, userId, 'session.ended', { sessionId: 's4' }, now);
    await tick(now);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await listDeliveries(db.prisma, userId, id);
    expect(delivery).toMatchObject({ status: 'pending', lastStatus: 302 });
    expect(delivery!.lastError).toMatch(/give the final URL/);
  });

  it('finished deliveries leave the log after 30 days; pending ones stay', async () => {
    const { id } = await endpoint(['avatar.ready']);
    const old = new Date(Date.now() - DELIVERY_RETENTION_MS - HOUR);
    const row = (status: string) => ({
      endpointId: id,
      messageId: `msg_${status}`,
      event: 'avatar.ready',
      payload: {},
      status,
      createdAt: old,
    });
    await db.prisma.webhookDelivery.createMany({
      data: [row('delivered'), row('failed'), row('pending')],
    });
    await emitWebhookEvent(db.prisma, userId, 'avatar.ready', { avatarId: 'new' });
    expect(await pruneDeliveries(db.prisma, new Date())).toBe(2);
    const left = await listDeliveries(db.prisma, userId, id);
    expect(left.map((d) => d.status).sort()).toEqual(['pending', 'pending']);
  });

  it('the secret is stored sealed, never in clear', async () => {
    const { id, secret } = await endpoint(['session.started']);
    const row = await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row)).not.toContain(secret.slice('whsec_'.length));
    expect(row.secretSealed).toMatch(/^v1\./);
  });
});
