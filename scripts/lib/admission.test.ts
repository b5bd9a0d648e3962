import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  admissionGate,
  DEFAULT_MAX_INFLIGHT,
  parseMaxInFlight,
  runAdmitted,
  stepAside,
} from './admission.mjs';

/** A server behind the gate whose answers wait until the test lets them go. */
async function gatedServer(limit: number, latencyTargetMs = 0) {
  const admit = admissionGate(limit, latencyTargetMs);
  const held: http.ServerResponse[] = [];
  let arrived = 0;
  const server = http.createServer((request, response) => {
    if (!admit(request, response)) return;
    arrived += 1;
    // A call that says it only waits (as a session start waiting for a host does).
    void runAdmitted(response, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (request.headers['x-test-wait'] === 'yes') stepAside();
    });
    held.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitForArrivals = async (count: number) => {
    while (arrived < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const releaseAll = () => {
    for (const response of held.splice(0)) response.end('done');
  };
  stop = async () => {
    releaseAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { base, waitForArrivals, releaseAll, admit };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('load shedding at the app door', () => {
  it('answers 503 with Retry-After past the limit, and serves again once requests finish', async () => {
    const gate = await gatedServer(2);
    const first = fetch(`${gate.base}/api/v1/avatars`);
    const second = fetch(`${gate.base}/api/v1/bookings`);
    await gate.waitForArrivals(2);

    const refused = await fetch(`${gate.base}/api/v1/sessions`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const answer = (await refused.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('unavailable');
    expect(answer.error.message).toMatch(/busy.*Try again/);
    expect(refused.headers.get('content-type')).toBe('application/json');

    gate.releaseAll();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    const again = fetch(`${gate.base}/api/v1/avatars`);
    await gate.waitForArrivals(3);
    gate.releaseAll();
    expect((await again).status).toBe(200);
  });

  it('stops counting a call that steps aside to wait, and only that call', async () => {
    const gate = await gatedServer(1);
    const waiting = fetch(`${gate.base}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'x-test-wait': 'yes' },
    });
    await gate.waitForArrivals(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The waiting call holds no place: the next one is served (and, working, fills the limit).
    const working = fetch(`${gate.base}/api/v1/avatars`);
    await gate.waitForArrivals(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${gate.base}/api/v1/bookings`)).status).toBe(503);
    gate.releaseAll();
    expect((await waiting).status).toBe(200);
    expect((await working).status).toBe(200);
  });

  it('always serves pages, viewers, the worker hosts, LiveKit and the health check', async () => {
    const gate = await gatedServer(1);
    const busy = fetch(`${gate.base}/api/v1/avatars`);
    await gate.waitForArrivals(1);
    const control = [
      fetch(`${gate.base}/api/internal/worker-hosts/report`, { method: 'POST', body: '{}' }),
      fetch(`${gate.base}/api/livekit/webhook`, { method: 'POST', body: '{}' }),
      fetch(`${gate.base}/api/health`),
      fetch(`${gate.base}/_next/static/chunks/main.js`),
      fetch(`${gate.base}/avatars`),
      fetch(`${gate.base}/api/watch/some-key/token`, { method: 'POST', body: '{}' }),
    ];
    await gate.waitForArrivals(7);
    // No way around the limit for the API's routes.
    const sneaky = await new Promise<number>((resolve, reject) =>
      http
        .get(`${gate.base}/api/internal/%2e%2e/v1/avatars`, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
        .on('error', reject),
    );
    expect(sneaky).toBe(503);
    gate.releaseAll();
    for (const answer of await Promise.all([busy, ...control])) expect(answer.status).toBe(200);
  });

  it('keeps the connection of a refused call with a small body, not of a large one', async () => {
    const gate = await gatedServer(1);
    const busy = fetch(`${gate.base}/api/v1/avatars`);
    await gate.waitForArrivals(1);
    const post = (bytes: number) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const request = http.request(`${gate.base}/api/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': bytes },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response);
        });
        request.on('error', reject);
        request.end('x'.repeat(bytes));
      });
    const small = await post(200);
    expect(small.statusCode).toBe(503);
    expect(small.headers.connection).toBe('keep-alive');
    const large = await post(200_000);
    expect(large.statusCode).toBe(503);
    expect(large.headers.connection).toBe('close');
    gate.releaseAll();
    expect((await busy).status).toBe(200);
  });

  it('takes on fewer calls at once while admitted calls are slower than the target', async () => {
    const gate = await gatedServer(8, 50);
    let sent = 0;
    for (let round = 0; round < 2; round++) {
      const calls = Array.from({ length: 8 }, () => fetch(`${gate.base}/api/v1/avatars`));
      sent += 8;
      await gate.waitForArrivals(sent);
      expect((await fetch(`${gate.base}/api/v1/bookings`)).status).toBe(503);
      // Each admitted call takes ~80 ms, over the 50 ms target, while another was refused.
      await new Promise((resolve) => setTimeout(resolve, 80));
      gate.releaseAll();
      for (const call of await Promise.all(calls)) expect(call.status).toBe(200);
    }
    expect(gate.admit.limit).toBe(6);
    const six = Array.from({ length: 6 }, () => fetch(`${gate.base}/api/v1/avatars`));
    await gate.waitForArrivals(sent + 6);
    expect((await fetch(`${gate.base}/api/v1/bookings`)).status).toBe(503);
    gate.releaseAll();
    await Promise.all(six);
  });

  it('has no limit at 0', async () => {
    const gate = await gatedServer(0);
    const answers = Array.from({ length: 5 }, () => fetch(`${gate.base}/api/v1/avatars`));
    await gate.waitForArrivals(5);
    gate.releaseAll();
    for (const answer of await Promise.all(answers)) expect(answer.status).toBe(200);
  });

  it('reads FACECAST_APP_MAX_INFLIGHT strictly', () => {
    expect(parseMaxInFlight(undefined)).toBe(DEFAULT_MAX_INFLIGHT);
    expect(parseMaxInFlight(' ')).toBe(DEFAULT_MAX_INFLIGHT);
    expect(parseMaxInFlight('0')).toBe(0);
    expect(parseMaxInFlight('64')).toBe(64);
    for (const bad of ['-1', '2.5', 'many', '1e9'])
      expect(() => parseMaxInFlight(bad)).toThrow(
        /FACECAST_APP_MAX_INFLIGHT: must be a whole number/,
      );
  });
});
