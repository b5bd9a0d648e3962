import { describe, expect, it } from 'vitest';
import { parseWorkerEnv } from './env';

describe('parseWorkerEnv', () => {
  it('applies defaults when only the secret is set', () => {
    const result = parseWorkerEnv({ WORKER_SECRET: 'a-long-enough-secret' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.env).toMatchObject({
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
      WORKER_PORT: 7890,
      WORKER_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    // Unset: the host calibrates its capacity at start-up.
    expect(result.env.WORKER_MAX_SESSIONS).toBeUndefined();
    expect(result.env).toMatchObject({
      WORKER_PREWARM: 1,
      WORKER_DRAIN_SECONDS: 30,
      WORKER_HEARTBEAT_TIMEOUT_MS: 5_000,
      FACECAST_AGENT_NAME: 'facecast-avatar',
      WORKER_VIDEO_CODEC: 'h264',
    });
  });

  it('reads FACECAST_APP_URL as a comma-separated list of app instances', () => {
    const parse = (value?: string) =>
      parseWorkerEnv({ WORKER_SECRET: 'a-long-enough-secret', FACECAST_APP_URL: value });
    const urls = (value?: string) => {
      const result = parse(value);
      if (!result.ok) throw new Error(result.problems.join('; '));
      return result.env.FACECAST_APP_URL;
    };
    expect(urls(undefined)).toEqual(['http://127.0.0.1:3000']);
    expect(urls('https://app.example.org')).toEqual(['https://app.example.org']);
    // Order is preference; blanks and empty items are ignored; a repeat counts once.
    expect(urls(' http://10.0.0.5:3000 , http://10.0.0.6:3000,,http://10.0.0.5:3000 ')).toEqual([
      'http://10.0.0.5:3000',
      'http://10.0.0.6:3000',
    ]);
    const wrong = parse('http://10.0.0.5:3000,app-b:3000,ftp://x');
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.problems.join('\n')).toMatch(/FACECAST_APP_URL .*"app-b:3000"/);
    expect(wrong.problems.join('\n')).toMatch(/"ftp:\/\/x" must start with http/);
    const none = parse(' , ');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.problems.join('\n')).toMatch(/FACECAST_APP_URL must name at least/);
  });

  it('reports every wrong variable by name', () => {
    const result = parseWorkerEnv({
      WORKER_SECRET: 'short',
      WORKER_PORT: 'eighty',
      WORKER_MAX_SESSIONS: '0',
      LIVEKIT_URL: 'not a url',
      LOG_LEVEL: 'loud',
      WORKER_VIDEO_CODEC: 'av1',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    for (const name of [
      'WORKER_SECRET',
      'WORKER_PORT',
      'WORKER_MAX_SESSIONS',
      'LIVEKIT_URL',
      'LOG_LEVEL',
      'WORKER_VIDEO_CODEC',
    ]) {
      expect(text).toContain(name);
    }
  });

  it("refuses LiveKit's public development keys unless LiveKit runs on this machine", () => {
    const secret = { WORKER_SECRET: 'a-long-enough-secret' };
    for (const LIVEKIT_URL of ['wss://livekit.example.com', 'ws://10.0.0.5:7880']) {
      for (const keys of [
        { LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' },
        { LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'a-real-secret-of-the-server' },
        { LIVEKIT_API_KEY: 'APIkey123', LIVEKIT_API_SECRET: 'secret' },
      ]) {
        const result = parseWorkerEnv({ ...secret, ...keys, LIVEKIT_URL });
        expect(result.ok, `${LIVEKIT_URL} ${JSON.stringify(keys)}`).toBe(false);
        if (!result.ok) expect(result.problems.join()).toMatch(/public development keys/);
      }
    }
    for (const LIVEKIT_URL of ['ws://127.0.0.1:7880', 'ws://localhost:7880', 'ws://[::1]:7880']) {
      expect(parseWorkerEnv({ ...secret, LIVEKIT_URL }).ok, LIVEKIT_URL).toBe(true);
    }
    const ownKeys = { LIVEKIT_API_KEY: 'APIkey123', LIVEKIT_API_SECRET: 'a-real-secret-of-it' };
    expect(parseWorkerEnv({ ...secret, ...ownKeys, LIVEKIT_URL: 'wss://lk.example.com' }).ok).toBe(
      true,
    );
  });

  it('requires WORKER_SECRET', () => {
    const result = parseWorkerEnv({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join()).toMatch(/WORKER_SECRET is required/);
  });

  it('treats empty strings as unset', () => {
    const result = parseWorkerEnv({ WORKER_SECRET: 'a-long-enough-secret', WORKER_PORT: '' });
    expect(result.ok && result.env.WORKER_PORT).toBe(7890);
  });
});
