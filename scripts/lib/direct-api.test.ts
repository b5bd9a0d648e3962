/**
 * The direct path for API-key calls (decision 031) on a real HTTP server, with route modules
 * shaped as Next.js builds them (`routeModule.userland`, some a promise of their exports) in a
 * temporary `.next`: what it answers itself, and what it leaves to Next.js (here a stand-in
 * that answers "next").
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, directApi, matchApiRoute } from './direct-api.mjs';

const distDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-direct-api-'));
const manifest = {
  '/api/v1/things/route': 'app/api/v1/things/route.js',
  '/api/v1/things/[id]/route': 'app/api/v1/things/[id]/route.js',
  '/api/v1/things/special/route': 'app/api/v1/things/special/route.js',
  '/api/v1/stream/route': 'app/api/v1/stream/route.js',
  '/api/v1/big/route': 'app/api/v1/big/route.js',
  '/api/[...path]/route': 'app/api/[...path]/route.js',
  '/api/health/route': 'app/api/health/route.js',
  '/avatars/page': 'app/avatars/page.js',
};

/** Writes a route module: `userland` is the source of an object of handlers. */
function route(file: string, userland: string, asPromise = false) {
  const full = path.join(distDir, 'server', file);
  mkdirSync(path.dirname(full), { recursive: true });
  const exports = `{ routeModule: { userland: ${userland} } }`;
  writeFileSync(full, `module.exports = ${asPromise ? `Promise.resolve(${exports})` : exports};\n`);
}

let server: http.Server;
let base: string;
/** The stream handler's request signal, once the client went away. */
let streamAborted: Promise<void>;

beforeAll(async () => {
  mkdirSync(path.join(distDir, 'server'), { recursive: true });
  writeFileSync(path.join(distDir, 'server', 'app-paths-manifest.json'), JSON.stringify(manifest));
  route(
    'app/api/v1/things/route.js',
    `{
      GET: async (request) => {
        const headers = new Headers({ 'x-seen-auth': request.headers.get('authorization') });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return Response.json({ query: new URL(request.url).searchParams.get('q') }, { headers });
      },
      POST: async (request) => Response.json({ got: await request.json() }, { status: 201 }),
    }`,
  );
  route(
    'app/api/v1/things/[id]/route.js',
    `{
      GET: async (request, context) => Response.json({ params: await context.params }),
      DELETE: async () => new Response(null, { status: 204 }),
      PUT: async () => Response.json({ refused: true }, { status: 403 }),
      PATCH: async () => { throw new Error('a handler that fails'); },
    }`,
    true,
  );
  route(
    'app/api/v1/big/route.js',
    `{
      GET: async () => {
        let sent = 0;
        const body = new ReadableStream({
          pull(controller) {
            if (sent === 320) return controller.close();
            sent++;
            controller.enqueue(new Uint8Array(64 * 1024).fill(7));
          },
        });
        return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
      },
    }`,
  );
  route(
    'app/api/v1/things/special/route.js',
    `{ GET: async () => Response.json({ special: true }) }`,
  );
  let signalAborted: () => void;
  streamAborted = new Promise((resolve) => (signalAborted = resolve));
  (globalThis as Record<string, unknown>).directApiTestAborted = () => signalAborted();
  route(
    'app/api/v1/stream/route.js',
    `{
      GET: async (request) => {
        request.signal.addEventListener('abort', () => globalThis.directApiTestAborted());
        let timer;
        const body = new ReadableStream({
          start(controller) {
            timer = setInterval(() => controller.enqueue(new TextEncoder().encode('tick\\n')), 20);
          },
          cancel() { clearInterval(timer); },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
    }`,
  );
  const nextHandler = (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response.writeHead(299, { 'content-type': 'text/plain' }).end('next');
    return Promise.resolve();
  };
  const direct = directApi({ distDir, nextHandler });
  server = http.createServer((request, response) => {
    void (direct(request, response) || nextHandler(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(distDir, { recursive: true, force: true });
});

const KEY = { authorization: 'Bearer fc_test' };
const call = (route: string, init: RequestInit = {}) =>
  fetch(base + route, { ...init, headers: { ...KEY, ...(init.headers ?? {}) } });

describe('routes from the manifest', () => {
  const routes = apiRoutes(manifest);

  it('keeps /api/v1 routes without catch-alls, the most static segments first', () => {
    const files = routes.map((r) => r.file);
    expect([...files].sort()).toEqual([
      'app/api/v1/big/route.js',
      'app/api/v1/stream/route.js',
      'app/api/v1/things/[id]/route.js',
      'app/api/v1/things/route.js',
      'app/api/v1/things/special/route.js',
    ]);
    expect(files.indexOf('app/api/v1/things/special/route.js')).toBeLessThan(
      files.indexOf('app/api/v1/things/[id]/route.js'),
    );
  });

  it('matches paths to routes with decoded parameters, and nothing Next.js must answer', () => {
    expect(matchApiRoute(routes, '/api/v1/things/a%20b')).toEqual({
      file: 'app/api/v1/things/[id]/route.js',
      params: { id: 'a b' },
    });
    expect(matchApiRoute(routes, '/api/v1/things/special')?.file).toBe(
      'app/api/v1/things/special/route.js',
    );
    // At the first segment where two routes differ, the fixed one wins, as in Next.js.
    const crossed = apiRoutes({
      '/api/v1/a/[x]/c/route': 'x.js',
      '/api/v1/a/b/[y]/route': 'y.js',
    });
    expect(matchApiRoute(crossed, '/api/v1/a/b/c')).toEqual({ file: 'y.js', params: { y: 'c' } });
    expect(matchApiRoute(crossed, '/api/v1/a/z/c')).toEqual({ file: 'x.js', params: { x: 'z' } });
    for (const path of [
      '/api/v1/things/',
      '/api/v1/things/%E0%A4%A',
      '/api/v1/things/x/y',
      '/api/v1/nothing',
      '/api/health',
      '//api/v1/things',
      '/avatars',
    ]) {
      expect(matchApiRoute(routes, path), path).toBeNull();
    }
  });
});

describe('calls with an API key', () => {
  it('reach the handler: query, headers both ways, cookies, the API headers', async () => {
    const response = await call('/api/v1/things?q=hello');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ query: 'hello' });
    expect(response.headers.get('x-seen-auth')).toBe('Bearer fc_test');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
  });

  it('pass the request body, the route parameters, and an empty answer', async () => {
    const posted = await call('/api/v1/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ got: { name: 'x' } });
    // This module is a promise of its exports (top-level await in its imports).
    const got = await call('/api/v1/things/%C3%A9t%C3%A9');
    expect(await got.json()).toEqual({ params: { id: 'été' } });
    expect((await call('/api/v1/things/special')).status).toBe(200);
    const deleted = await call('/api/v1/things/1', { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
  });

  it('read and drop a body the handler refused unread; the connection serves the next call', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, body?: Buffer) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = http.request(
          `${base}/api/v1/things/1`,
          { method, agent, headers: KEY },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    try {
      // Left unread, the upload stalls on a full socket, and the next call on the connection
      // with it: seconds, not milliseconds.
      const both = (async () => [
        await send('PUT', Buffer.alloc(8 * 1024 * 1024, 1)),
        await send('GET'),
      ])();
      const hung = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000));
      expect(await Promise.race([both, hung])).toEqual([
        { status: 403, text: '{"refused":true}' },
        { status: 200, text: '{"params":{"id":"1"}}' },
      ]);
    } finally {
      agent.destroy();
    }
  });

  it('stream a long answer whole to a client that reads it slowly', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const response = await call('/api/v1/big');
      const reader = response.body!.getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        if (bytes % (1024 * 1024) < value.length) await new Promise((r) => setTimeout(r, 5));
      }
      expect(bytes).toBe(320 * 64 * 1024);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('answer 500 for a handler that throws', async () => {
    const failed = await call('/api/v1/things/1', { method: 'PATCH' });
    expect(failed.status).toBe(500);
  });

  it('tell a streaming handler when the client goes away', async () => {
    const controller = new AbortController();
    const response = await call('/api/v1/stream', { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('tick');
    controller.abort();
    await expect(
      Promise.race([
        streamAborted.then(() => 'aborted'),
        new Promise((resolve) => setTimeout(() => resolve('still running'), 2_000)),
      ]),
    ).resolves.toBe('aborted');
  });
});

describe('left to Next.js', () => {
  it('calls without an API key, other methods, unknown paths and methods a route lacks', async () => {
    const answers = [
      await fetch(`${base}/api/v1/things`),
      await fetch(`${base}/api/v1/things`, { headers: { cookie: 'session=x' } }),
      await call('/api/v1/things', { method: 'HEAD' }),
      await call('/api/v1/things', { method: 'OPTIONS' }),
      await call('/api/v1/things/'),
      await call('/api/v1/nothing'),
      await call('/api/health'),
      await call('/api/v1/things', { method: 'PUT' }),
      await call('/api/v1/things/special', { method: 'DELETE' }),
    ];
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 299));
  });
});
