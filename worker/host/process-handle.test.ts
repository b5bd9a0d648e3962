import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { ProcessHandle } from './process-handle';

const FAKE_ENTRY = fileURLToPath(new URL('../testing/fake-session-main.ts', import.meta.url));
const log = createLogger({ name: 'test', level: 'silent' });

describe('ProcessHandle', () => {
  it('completes the handshake, exchanges heartbeats, and shuts the child down', async () => {
    const handle = await ProcessHandle.spawn({ log, logLevel: 'silent', entry: FAKE_ENTRY });
    expect(handle.alive).toBe(true);
    const pong = await handle.waitFor('pong', 3_000);
    expect(pong.value.timestampMs).toBeGreaterThan(0);
    const exit = await handle.shutdown('test', 2_000);
    expect(exit.code).toBe(0);
    expect(handle.alive).toBe(false);
  });

  it('kills a child that stops answering pings', async () => {
    process.env.FAKE_SESSION_MODE = 'hang';
    try {
      const handle = await ProcessHandle.spawn({
        log,
        logLevel: 'silent',
        entry: FAKE_ENTRY,
        heartbeatTimeoutMs: 1_500,
      });
      const exit = await handle.exited;
      expect(exit.signal).toBe('SIGKILL');
    } finally {
      delete process.env.FAKE_SESSION_MODE;
    }
  });

  it('fails the handshake when the child exits before ready', async () => {
    const missing = fileURLToPath(new URL('../testing/does-not-exist.ts', import.meta.url));
    await expect(ProcessHandle.spawn({ log, logLevel: 'silent', entry: missing })).rejects.toThrow(
      /exited/,
    );
  });

  it('fails the handshake on timeout and kills the child', async () => {
    const silent = fileURLToPath(new URL('../testing/silent-process.ts', import.meta.url));
    await expect(
      ProcessHandle.spawn({ log, logLevel: 'silent', entry: silent, readyTimeoutMs: 1_500 }),
    ).rejects.toThrow(/no ready within/);
  });
});
