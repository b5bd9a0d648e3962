import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppChannel } from './app-channel';

let server: http.Server | undefined;
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** An app stand-in that answers after 30 ms and counts connections and calls at once. */
async function slowApp() {
  const seen = { connections: 0, inProgress: 0, mostAtOnce: 0 };
  server = http.createServer((request, response) => {
    seen.inProgress += 1;
    seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.inProgress);
    request.resume();
    setTimeout(() => {
      seen.inProgress -= 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, 30);
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', () => {
    seen.connections += 1;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the host → app channel', () => {
  it('sends overlapping calls one after the other on connections it keeps', async () => {
    const app = await slowApp();
    const channel = new AppChannel();
    const post = (path: string) =>
      channel.run(app.url, async () => {
        const response = await fetch(new URL(path, app.url), { method: 'POST', body: '{}' });
        return (await response.json()) as { ok: boolean };
      });
    const answers = await Promise.all([
      post('/api/internal/worker-hosts/report'),
      post('/api/internal/sessions/events'),
      post('/api/internal/worker-hosts/report'),
      post('/api/internal/sessions/events'),
    ]);
    expect(answers).toEqual(Array.from({ length: 4 }, () => ({ ok: true })));
    expect(app.seen.mostAtOnce).toBe(1);
    // fetch's pool opens a second connection for a call made as the first one's answer is
    // read, then keeps both: never one per call (four overlapping calls would open four).
    expect(app.seen.connections).toBeLessThanOrEqual(2);
    const before = app.seen.connections;
    await post('/api/internal/worker-hosts/report');
    await post('/api/internal/worker-hosts/report');
    expect(app.seen.connections).toBe(before);
  });

  it('goes on after a failed call, in order', async () => {
    const channel = new AppChannel();
    const order: string[] = [];
    const failed = channel.run('http://app', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('first');
      throw new Error('app answered 503');
    });
    const next = channel.run('http://app', () => {
      order.push('second');
      return Promise.resolve('done');
    });
    await expect(failed).rejects.toThrow('503');
    expect(await next).toBe('done');
    expect(order).toEqual(['first', 'second']);
  });
});
