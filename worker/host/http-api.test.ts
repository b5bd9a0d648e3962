/**
 * The host API over real HTTP with real child processes: most tests use a stand-in session
 * process (worker/testing/fake-session-main.ts) that speaks the real IPC protocol without
 * LiveKit; one uses the real session process against a LiveKit URL nobody listens on.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { isProcessAlive } from '../testing/process-alive';
import { syntheticAvatar, writeSyntheticAvatar } from '../testing/synthetic-avatar';
import { createHttpApi } from './http-api';
import { ProcessHandle } from './process-handle';
import { ProcessPool } from './process-pool';
import { SessionSupervisor } from './session-supervisor';

const FAKE_ENTRY = fileURLToPath(new URL('../testing/fake-session-main.ts', import.meta.url));
const SECRET = 'unit-test-worker-secret';
const log = createLogger({ name: 'test', level: 'silent' });

let server: Server | undefined;
let supervisor: SessionSupervisor | undefined;
let pool: ProcessPool | undefined;

afterEach(async () => {
  await supervisor?.shutdown();
  await pool?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  supervisor = undefined;
});

async function start(options: { capacity?: number; entry?: string; livekitUrl?: string } = {}) {
  const entry = options.entry === 'real' ? undefined : (options.entry ?? FAKE_ENTRY);
  pool = new ProcessPool({
    prewarm: 0,
    spawn: () => ProcessHandle.spawn({ log, logLevel: 'silent', ...(entry ? { entry } : {}) }),
    memoryOf: () => undefined,
    memoryBudgetBytes: 1e9,
    log,
  });
  supervisor = new SessionSupervisor({
    capacity: options.capacity ?? 2,
    pool,
    join: () =>
      Promise.resolve({
        url: options.livekitUrl ?? 'ws://127.0.0.1:1',
        token: 'jwt',
        videoCodec: 'h264',
      }),
    log,
    startTimeoutMs: 15_000,
    stopDeadlineMs: 2_000,
  });
  server = createHttpApi({ supervisor, hostId: 'test-host', secret: SECRET, log });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const call = (path: string, init: RequestInit = {}, secret: string | null = SECRET) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
    });
  return { base, call, supervisor };
}

const request = (sessionId: string) => ({
  sessionId,
  roomName: `room-${sessionId}`,
  avatar: syntheticAvatar('/tmp/none.png'),
});

describe('worker host HTTP API', () => {
  it('reports health without auth', async () => {
    const { base } = await start({ capacity: 3 });
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      capacity: 3,
      active: 0,
      hostId: expect.any(String) as string,
    });
  });

  it('rejects a missing or wrong secret with 401', async () => {
    const { call } = await start();
    expect((await call('/sessions', {}, null)).status).toBe(401);
    expect((await call('/sessions', {}, 'wrong-secret-of-some-length')).status).toBe(401);
    const res = await call(
      '/sessions',
      { method: 'POST', body: JSON.stringify(request('a')) },
      'nope',
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('rejects an invalid body with 422 naming the problem', async () => {
    const { call } = await start();
    const bad = {
      ...request('a'),
      avatar: {
        ...request('a').avatar,
        face: { box: { x: 0, y: 0, width: 1, height: 1 }, landmarks: [[1, 2]] },
      },
    };
    const res = await call('/sessions', { method: 'POST', body: JSON.stringify(bad) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues.map((i) => i.path)).toContain('avatar.face.landmarks');
    expect((await call('/sessions', { method: 'POST', body: '{not json' })).status).toBe(422);
  });

  it('starts, lists, refuses duplicates and capacity overflow, and stops sessions', async () => {
    const { call, base } = await start({ capacity: 1 });
    const created = await call('/sessions', {
      method: 'POST',
      body: JSON.stringify(request('s1')),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      sessionId: 's1',
      state: 'running',
      render: { renderer: 'builtin' },
    });
    const one = await call('/sessions/s1');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ sessionId: 's1', render: { renderer: 'builtin' } });
    expect((await call('/sessions/nope')).status).toBe(404);

    expect(
      (await call('/sessions', { method: 'POST', body: JSON.stringify(request('s1')) })).status,
    ).toBe(409);
    const full = await call('/sessions', { method: 'POST', body: JSON.stringify(request('s2')) });
    expect(full.status).toBe(503);
    expect(await full.json()).toMatchObject({ error: { code: 'capacity' } });

    const list = (await (await call('/sessions')).json()) as {
      sessions: Array<{ sessionId: string; state: string; pid: number }>;
    };
    expect(list.sessions).toHaveLength(1);
    expect(list.sessions[0]).toMatchObject({ sessionId: 's1', state: 'running' });
    const pid = list.sessions[0]!.pid;
    expect(() => process.kill(pid, 0)).not.toThrow();

    expect((await call('/sessions/s1', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/sessions/s1', { method: 'DELETE' })).status).toBe(404);
    // No prewarm here, so the pool has no use for the process and shuts it down.
    const until = Date.now() + 5_000;
    while (isProcessAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(isProcessAlive(pid)).toBe(false);
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ active: 0 });
  });

  it('answers 409 avatar_store_invalid when the session finds the frame store damaged', async () => {
    process.env.FAKE_SESSION_MODE = 'store';
    try {
      const { call } = await start();
      const res = await call('/sessions', { method: 'POST', body: JSON.stringify(request('s3')) });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: { code: 'avatar_store_invalid' } });
    } finally {
      delete process.env.FAKE_SESSION_MODE;
    }
  });

  it('answers 404 for unknown routes', async () => {
    const { call } = await start();
    expect((await call('/nope')).status).toBe(404);
  });

  it('reports 502 and frees the slot when the real session process cannot join LiveKit', async () => {
    const avatar = await writeSyntheticAvatar(
      `${process.env.TMPDIR ?? '/tmp'}/facecast-unit-avatar-${process.pid}.png`,
    );
    const { call, supervisor: sup } = await start({
      entry: 'real',
      livekitUrl: 'ws://127.0.0.1:9',
    });
    const res = await call('/sessions', {
      method: 'POST',
      body: JSON.stringify({ sessionId: 'real1', roomName: 'r', avatar }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'session_start_failed' } });
    expect(sup.active).toBe(0);
  });
});
