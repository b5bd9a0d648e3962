/**
 * The pool and the supervisor with real child processes: a stand-in session process
 * (worker/testing/fake-session-main.ts) that speaks the real IPC protocol without LiveKit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { isProcessAlive } from '../testing/process-alive';
import { syntheticAvatar } from '../testing/synthetic-avatar';
import { ProcessHandle } from './process-handle';
import { ProcessPool } from './process-pool';
import {
  SessionSupervisor,
  type RestartReason,
  type SessionEventMessage,
} from './session-supervisor';

const FAKE_ENTRY = fileURLToPath(new URL('../testing/fake-session-main.ts', import.meta.url));
const log = createLogger({ name: 'test', level: 'silent' });
const MB = 1024 * 1024;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
  delete process.env.FAKE_SESSION_MODE;
  delete process.env.FAKE_SESSION_CRASH_FILE;
});

const request = (sessionId: string) => ({
  sessionId,
  roomName: `room-${sessionId}`,
  avatar: syntheticAvatar('/tmp/unused.png'),
});

async function until(check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function setup(
  options: {
    prewarm?: number;
    capacity?: number;
    memoryOf?: (pid: number) => number | undefined;
    heartbeatTimeoutMs?: number;
    serverAnswers?: () => Promise<boolean>;
    rejoinDeadlineMs?: number;
  } = {},
) {
  const restarts: RestartReason[] = [];
  const ended: string[] = [];
  const events: SessionEventMessage[] = [];
  const pids: number[] = [];
  const pool = new ProcessPool({
    prewarm: options.prewarm ?? 1,
    spawn: async () => {
      const handle = await ProcessHandle.spawn({
        log,
        logLevel: 'silent',
        entry: FAKE_ENTRY,
        ...(options.heartbeatTimeoutMs ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
      });
      if (handle.pid !== undefined) pids.push(handle.pid);
      return handle;
    },
    memoryOf: options.memoryOf ?? (() => 50 * MB),
    memoryBudgetBytes: 100 * MB,
    log,
  });
  const supervisor = new SessionSupervisor({
    capacity: options.capacity ?? 2,
    pool,
    join: () => Promise.resolve({ url: 'ws://127.0.0.1:1', token: 'jwt', videoCodec: 'h264' }),
    log,
    startTimeoutMs: 10_000,
    stopDeadlineMs: 2_000,
    onRestart: (reason) => restarts.push(reason),
    onEvent: (event) => events.push(event),
    onSessionEnded: (summary, reason) => ended.push(`${summary.sessionId}:${reason}`),
    ...(options.serverAnswers ? { serverAnswers: options.serverAnswers } : {}),
    ...(options.rejoinDeadlineMs ? { rejoinDeadlineMs: options.rejoinDeadlineMs } : {}),
  });
  cleanup = async () => {
    await supervisor.shutdown();
    await pool.close();
  };
  return { pool, supervisor, restarts, ended, pids, events };
}

describe('ProcessPool and SessionSupervisor', () => {
  it('keeps prewarmed processes, hands a warm one to a session and tops the pool up', async () => {
    const { pool, supervisor } = setup({ prewarm: 2 });
    await pool.start();
    expect(pool.idleCount).toBe(2);
    const idleBefore = pool.idlePids;
    const summary = await supervisor.start(request('s1'));
    expect(summary.state).toBe('running');
    expect(idleBefore).toContain(summary.pid);
    await until(() => pool.idleCount === 2);
    expect(pool.idlePids).not.toContain(summary.pid);
  });

  it('recycles a healthy process after its session and reuses it', async () => {
    const { pool, supervisor } = setup({ prewarm: 1 });
    await pool.start();
    const first = await supervisor.start(request('s1'));
    await until(() => pool.idleCount === 1);
    await supervisor.stop('s1');
    // Back in the pool (the pool wants 1 idle and has 1, so it stays: 2 idle max is not
    // wanted) — the process is either reused or shut down, never leaked.
    await until(() => !isProcessAlive(first.pid!) || pool.idlePids.includes(first.pid!));
    const second = await supervisor.start(request('s2'));
    expect(second.state).toBe('running');
  });

  it('reuses the process of an ended session when the pool needs one', async () => {
    const { pool, supervisor } = setup({ prewarm: 1, capacity: 1 });
    await pool.start();
    const first = await supervisor.start(request('s1'));
    // Take the refill away so the pool needs the returning process.
    await until(() => pool.idleCount === 1);
    const spare = await pool.take();
    await spare.handle.shutdown('test', 2_000);
    await supervisor.stop('s1');
    await until(() => pool.idlePids.includes(first.pid!));
    const second = await supervisor.start(request('s2'));
    expect(second.pid).toBe(first.pid);
  });

  it('replaces a process that is over its memory budget after a session', async () => {
    const { pool, supervisor } = setup({ prewarm: 1, memoryOf: () => 500 * MB });
    await pool.start();
    const first = await supervisor.start(request('s1'));
    await supervisor.stop('s1');
    await until(() => !isProcessAlive(first.pid!));
    expect(pool.idlePids).not.toContain(first.pid);
  });

  it('restarts a crashed session on a fresh process in the same room', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-sup-'));
    process.env.FAKE_SESSION_MODE = 'crash';
    process.env.FAKE_SESSION_CRASH_FILE = path.join(dir, 'crashed');
    try {
      const { pool, supervisor, restarts, events } = setup({ prewarm: 1 });
      await pool.start();
      const first = await supervisor.start(request('s1'));
      const started = Date.now();
      await until(
        () => supervisor.get('s1')?.restarts === 1 && supervisor.get('s1')?.state === 'running',
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      const now = supervisor.get('s1')!;
      expect(now.pid).not.toBe(first.pid);
      expect(now.roomName).toBe('room-s1');
      expect(restarts).toEqual(['crash']);
      // The speech the dead process took along is reported dropped: the playing turn and the
      // one queued behind it, not the one already over.
      const dropped = events.filter((e) => e.event.type === 'speech.dropped');
      expect(dropped.map((e) => e.event)).toEqual([
        { type: 'speech.dropped', turnId: 't1', text: 'Hello there.', reason: 'crash' },
        { type: 'speech.dropped', turnId: 't2', text: 'And more.', reason: 'crash' },
      ]);
      expect(dropped.every((e) => e.sessionId === 's1')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejoins a session the LiveKit server dropped once the server answers, in the same room', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-sup-'));
    process.env.FAKE_SESSION_MODE = 'lost';
    process.env.FAKE_SESSION_CRASH_FILE = path.join(dir, 'lost');
    try {
      let probes = 0;
      // The server is down for the first three probes.
      const serverAnswers = () => Promise.resolve(++probes > 3);
      const { pool, supervisor, restarts, ended, events } = setup({ prewarm: 1, serverAnswers });
      await pool.start();
      await supervisor.start(request('s1'));
      await until(() => supervisor.get('s1')?.state === 'restarting');
      await until(() => probes > 3 && supervisor.get('s1')?.state === 'running');
      const now = supervisor.get('s1')!;
      expect(now).toMatchObject({ roomName: 'room-s1', restarts: 0 });
      // A rejoin is not a crash, and the session never ended.
      expect(restarts).toEqual([]);
      expect(ended).toEqual([]);
      expect(supervisor.takeHandedBack()).toEqual([]);
      expect(events.map((e) => e.event)).toEqual([
        { type: 'speech.queued', turnId: 't1', text: 'Hello there.' },
        { type: 'speech.dropped', turnId: 't1', text: 'Hello there.', reason: 'connection_lost' },
        { type: 'connection', state: 'reconnecting', reason: 'disconnected:SERVER_SHUTDOWN' },
        { type: 'connection', state: 'reconnected', rejoined: true },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a dropped session back when its server stays away past the deadline', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-sup-'));
    process.env.FAKE_SESSION_MODE = 'lost';
    process.env.FAKE_SESSION_CRASH_FILE = path.join(dir, 'lost');
    try {
      const { pool, supervisor, ended } = setup({
        prewarm: 1,
        serverAnswers: () => Promise.resolve(false),
        rejoinDeadlineMs: 1_500,
      });
      await pool.start();
      await supervisor.start(request('s1'));
      await until(() => supervisor.get('s1') === undefined);
      expect(supervisor.takeHandedBack()).toEqual(['s1']);
      expect(ended).toEqual(['s1:handed back: LiveKit unreachable']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stop while a crashed session restarts ends it for good: no orphan, nothing handed back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-sup-'));
    process.env.FAKE_SESSION_MODE = 'crash';
    process.env.FAKE_SESSION_CRASH_FILE = path.join(dir, 'crashed');
    try {
      const { pool, supervisor, ended, pids } = setup({ prewarm: 1 });
      await pool.start();
      await supervisor.start(request('s1'));
      await until(() => supervisor.get('s1')?.state === 'restarting');
      await supervisor.stop('s1', 'stopped by the app');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(supervisor.get('s1')).toBeUndefined();
      expect(supervisor.processes()).toEqual([]);
      expect(supervisor.takeHandedBack()).toEqual([]);
      expect(ended).toEqual(['s1:stopped by the app']);
      // Every process still alive is an idle one in the pool, none runs the stopped session.
      const alive = pids.filter((pid) => isProcessAlive(pid));
      expect(alive.every((pid) => pool.idlePids.includes(pid))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a session process that stops answering heartbeats and restarts the session', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-sup-'));
    process.env.FAKE_SESSION_MODE = 'hang-after-start';
    process.env.FAKE_SESSION_CRASH_FILE = path.join(dir, 'hung');
    try {
      const { pool, supervisor, restarts } = setup({ prewarm: 1, heartbeatTimeoutMs: 1_500 });
      await pool.start();
      const first = await supervisor.start(request('s1'));
      await until(
        () => supervisor.get('s1')?.restarts === 1 && supervisor.get('s1')?.state === 'running',
      );
      expect(isProcessAlive(first.pid!)).toBe(false);
      expect(restarts).toEqual(['unresponsive']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restarts a session whose process is far over the memory limit', async () => {
    const { pool, supervisor, restarts } = setup({ prewarm: 1 });
    await pool.start();
    const first = await supervisor.start(request('s1'));
    const heavyPid = first.pid;
    supervisor.enforceMemoryLimit((pid) => (pid === heavyPid ? 900 * MB : 50 * MB), 200 * MB);
    await until(
      () => supervisor.get('s1')?.restarts === 1 && supervisor.get('s1')?.state === 'running',
    );
    expect(restarts).toEqual(['memory']);
    expect(supervisor.get('s1')?.pid).not.toBe(first.pid);
  });

  it('refuses sessions beyond capacity and counts starting ones', async () => {
    const { supervisor } = setup({ prewarm: 0, capacity: 1 });
    const first = supervisor.start(request('s1'));
    await expect(supervisor.start(request('s2'))).rejects.toMatchObject({ code: 'capacity' });
    await first;
    expect(supervisor.active).toBe(1);
  });

  it('drains: refuses new sessions and returns those still running at the deadline', async () => {
    const { supervisor } = setup({ prewarm: 0 });
    await supervisor.start(request('s1'));
    const left = await supervisor.drain(300);
    expect(left).toEqual(['s1']);
    await expect(supervisor.start(request('s2'))).rejects.toMatchObject({ code: 'shutting_down' });
  });

  it('forgets a session that ends by itself and reports why', async () => {
    process.env.FAKE_SESSION_MODE = 'end';
    const { supervisor, ended } = setup({ prewarm: 0 });
    await supervisor.start(request('s1'));
    await until(() => supervisor.active === 0);
    expect(ended).toEqual(['s1:room deleted']);
  });
});
