import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionEventBatchSchema, type SessionEventBatch } from '../../protocol/session-events';
import { SessionEventSender } from './session-event-sender';

const log = pino({ level: 'silent' });
const servers: http.Server[] = [];

/** An app stand-in that records batches; `down` answers 503 until set false. */
async function fakeApp(options: { port?: number } = {}) {
  const batches: SessionEventBatch[] = [];
  const state = { down: false, auth: '' };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.auth = req.headers.authorization ?? '';
      if (state.down) {
        res.writeHead(503).end();
        return;
      }
      batches.push(sessionEventBatchSchema.parse(JSON.parse(body)));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"stored":1}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, batches, state };
}

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('SessionEventSender', () => {
  it('sends events in order with the worker secret, batching what arrives meanwhile', async () => {
    const app = await fakeApp();
    const sender = new SessionEventSender({
      appUrls: [app.url],
      workerSecret: 's3cret-s3cret',
      log,
    });
    for (let i = 0; i < 20; i++)
      sender.add('s1', { type: 'state', state: i % 2 ? 'idle' : 'speaking' });
    await until(() => app.batches.flatMap((b) => b.events).length === 20);
    const states = app.batches.flatMap((b) => b.events).map((e) => e.event);
    expect(states[0]).toEqual({ type: 'state', state: 'speaking' });
    expect(states[19]).toEqual({ type: 'state', state: 'idle' });
    // The first went alone, the rest waited for it and went together.
    expect(app.batches.length).toBeLessThan(20);
    expect(app.state.auth).toBe('Bearer s3cret-s3cret');
    await sender.close();
  });

  it('keeps events while the app is down and delivers them, once, when it is back', async () => {
    const app = await fakeApp();
    app.state.down = true;
    const sender = new SessionEventSender({
      appUrls: [app.url],
      workerSecret: 's3cret-s3cret',
      log,
      retryMs: 20,
      maxRetryMs: 50,
    });
    sender.add('s1', { type: 'error', code: 'llm_failed', message: 'down' });
    sender.add('s1', { type: 'state', state: 'idle' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(app.batches).toHaveLength(0);
    app.state.down = false;
    await until(() => app.batches.length > 0);
    const events = app.batches.flatMap((b) => b.events);
    expect(events.map((e) => e.event.type)).toEqual(['error', 'state']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    await sender.close();
  });

  it('drops the oldest events past its queue bound', async () => {
    const app = await fakeApp();
    app.state.down = true;
    const sender = new SessionEventSender({
      appUrls: [app.url],
      workerSecret: 's3cret-s3cret',
      log,
      maxQueued: 3,
      retryMs: 20,
      maxRetryMs: 20,
    });
    for (let i = 0; i < 10; i++)
      sender.add('s1', { type: 'error', code: 'llm_failed', message: `m${i}` });
    await new Promise((resolve) => setTimeout(resolve, 60));
    app.state.down = false;
    await until(() => app.batches.length > 0);
    const messages = app.batches
      .flatMap((b) => b.events)
      .map((e) => (e.event.type === 'error' ? e.event.message : ''));
    expect(messages).toEqual(['m7', 'm8', 'm9']);
    await sender.close();
  });
});

describe('SessionEventSender batches', () => {
  it('keeps each request small', async () => {
    const app = await fakeApp();
    const sender = new SessionEventSender({
      appUrls: [app.url],
      workerSecret: 's3cret-s3cret',
      log,
    });
    app.state.down = true;
    const long = 'x'.repeat(15_000);
    for (let i = 0; i < 60; i++)
      sender.add('s1', {
        type: 'speech.ended',
        turnId: `t${i}`,
        text: long,
        interrupted: false,
        startedAt: 1,
        endedAt: 2,
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.state.down = false;
    await until(() => app.batches.flatMap((b) => b.events).length === 60, 10_000).catch(() => {
      throw new Error(`got ${app.batches.map((b) => b.events.length).join(',')}`);
    });
    // 60 × 15 KB = 900 KB went in several requests of at most ~256 KB.
    expect(app.batches.length).toBeGreaterThan(3);
    await sender.close();
  });
});

describe('SessionEventSender refusals', () => {
  it('drops a batch the app refuses as invalid instead of retrying it forever', async () => {
    const refused: number[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        refused.push(Date.now());
        res.writeHead(422).end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sender = new SessionEventSender({
      appUrls: [`http://127.0.0.1:${port}`],
      workerSecret: 's3cret-s3cret',
      log,
      retryMs: 10,
    });
    sender.add('s1', { type: 'state', state: 'idle' });
    sender.add('s1', { type: 'state', state: 'speaking' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Each refused once (the first went alone, the second after it), never sent again.
    expect(refused).toHaveLength(2);
    await sender.close();
  });
});

describe('SessionEventSender with several app instances', () => {
  it('sends to the first that answers and moves on when it fails, losing nothing', async () => {
    const first = await fakeApp();
    const second = await fakeApp();
    const sender = new SessionEventSender({
      appUrls: [first.url, second.url],
      workerSecret: 's3cret-s3cret',
      log,
      retryMs: 10,
    });
    sender.add('s1', { type: 'error', code: 'llm_failed', message: 'm0' });
    await until(() => first.batches.length === 1);
    expect(second.batches).toHaveLength(0);

    // The first instance is gone (its port closed): the next batch goes to the second at once.
    const firstServer = servers[0]!;
    firstServer.closeAllConnections();
    await new Promise((resolve) => firstServer.close(resolve));
    sender.add('s1', { type: 'error', code: 'llm_failed', message: 'm1' });
    sender.add('s1', { type: 'error', code: 'llm_failed', message: 'm2' });
    await until(() => second.batches.flatMap((b) => b.events).length === 2);

    // It stays with the one that answers, even when the first would answer again.
    const messages = (app: typeof first) =>
      app.batches
        .flatMap((b) => b.events)
        .map((e) => (e.event.type === 'error' ? e.event.message : ''));
    sender.add('s1', { type: 'error', code: 'llm_failed', message: 'm3' });
    await until(() => messages(second).includes('m3'));
    expect(messages(first)).toEqual(['m0']);
    expect(messages(second)).toEqual(['m1', 'm2', 'm3']);
    await sender.close();
  });

  it('goes round to the first when the one it uses fails, and waits when all fail', async () => {
    const first = await fakeApp();
    const second = await fakeApp();
    const sender = new SessionEventSender({
      appUrls: [first.url, second.url],
      workerSecret: 's3cret-s3cret',
      log,
      retryMs: 20,
      maxRetryMs: 20,
    });
    first.state.down = true;
    sender.add('s1', { type: 'state', state: 'speaking' });
    await until(() => second.batches.length === 1);
    second.state.down = true;
    first.state.down = false;
    sender.add('s1', { type: 'state', state: 'idle' });
    await until(() => first.batches.length === 1);

    // Both answer 503: the event waits and arrives once one is back.
    first.state.down = true;
    sender.add('s1', { type: 'state', state: 'listening' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first.batches.length + second.batches.length).toBe(2);
    second.state.down = false;
    await until(() => second.batches.length === 2);
    expect(second.batches[1]!.events.map((e) => e.event)).toEqual([
      { type: 'state', state: 'listening' },
    ]);
    await sender.close();
  });
});
