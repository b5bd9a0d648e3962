/**
 * The containers' health checks against a stand-in for the app's and the worker's health
 * endpoints on loopback: the app is healthy when its database is up even while `/api/health`
 * says 503 for "no worker host yet" (the hosts start after it), and unhealthy otherwise.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'healthcheck.mjs');
let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Serves `body` with `status` on `route`, 404 elsewhere; resolves with the port. */
async function serve(route: string, status: number, body: unknown): Promise<number> {
  const standIn = createServer((request, response) => {
    if (request.url !== route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server = standIn;
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  return (standIn.address() as AddressInfo).port;
}

/** Runs the check; resolves with its exit code. */
function check(target: string, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [script, target], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      timeout: 10_000,
    });
    child.on('exit', (code) => resolve(code));
  });
}

describe('deploy/healthcheck.mjs', () => {
  it('app: healthy with the database up, also while no worker host has reported (503)', async () => {
    const port = await serve('/api/health', 503, { status: 'degraded', db: 'ok', workers: {} });
    expect(await check('app', { PORT: String(port) })).toBe(0);
  });

  it('app: unhealthy when the database is down', async () => {
    const port = await serve('/api/health', 503, { status: 'degraded', db: 'down' });
    expect(await check('app', { PORT: String(port) })).toBe(1);
  });

  it('worker: healthy when /health says ok, unhealthy when nothing answers', async () => {
    const port = await serve('/health', 200, { status: 'ok', capacity: 6, active: 0 });
    expect(await check('worker', { WORKER_PORT: String(port) })).toBe(0);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    expect(await check('worker', { WORKER_PORT: String(port) })).toBe(1);
  });
});
