import { describe, expect, it } from 'vitest';
import {
  appEnv,
  parseBootstrapOutput,
  workerEnv,
  type Env,
  type StackEnvOptions,
} from './stack-env.mjs';

const options = (base: Env = {}): StackEnvOptions => ({
  base: { PATH: '/usr/bin', ...base },
  dataDir: '/srv/facecast',
  secrets: { AUTH_SECRET: 'a'.repeat(43), WORKER_SECRET: 'w'.repeat(43) },
  appUrl: 'http://localhost:3000',
  livekit: {
    publicUrl: 'ws://localhost:7880',
    internalUrl: 'ws://127.0.0.1:7880',
    apiKey: 'APIkey',
    apiSecret: 's'.repeat(43),
  },
  workerPort: 7890,
});

describe('appEnv', () => {
  it('hands the app every variable it needs, with the browser-facing LiveKit URL', () => {
    const env = appEnv(options());
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      NODE_ENV: 'production',
      FACECAST_DATA_DIR: '/srv/facecast',
      AUTH_SECRET: 'a'.repeat(43),
      APP_URL: 'http://localhost:3000',
      LIVEKIT_URL: 'ws://localhost:7880',
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: 's'.repeat(43),
      WORKER_SECRET: 'w'.repeat(43),
      NEXT_TELEMETRY_DISABLED: '1',
    });
    expect(env).not.toHaveProperty('DATABASE_URL');
  });

  it('passes DATABASE_URL through only when the user set it', () => {
    const url = 'postgresql://u@db.example/facecast';
    expect(appEnv(options({ DATABASE_URL: url })).DATABASE_URL).toBe(url);
    expect(appEnv(options({ DATABASE_URL: '' }))).not.toHaveProperty('DATABASE_URL');
  });

  it('overrides stale values from the caller shell', () => {
    const env = appEnv(options({ AUTH_SECRET: 'old', NODE_ENV: 'development', PORT: '1' }));
    expect(env.AUTH_SECRET).toBe('a'.repeat(43));
    expect(env.NODE_ENV).toBe('production');
    expect(env).not.toHaveProperty('PORT');
  });
});

describe('workerEnv', () => {
  it('names every app instance the host reports to, or the one app', () => {
    expect(workerEnv(options()).FACECAST_APP_URL).toBe('http://localhost:3000');
    const urls = ['http://10.0.0.5:3000', 'http://10.0.0.6:3000'];
    expect(workerEnv({ ...options(), reportUrls: urls }).FACECAST_APP_URL).toBe(
      'http://10.0.0.5:3000,http://10.0.0.6:3000',
    );
  });

  it('gives the worker the internal LiveKit URL and no database', () => {
    const env = workerEnv(options({ DATABASE_URL: 'postgresql://x/y' }));
    expect(env).toMatchObject({
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'APIkey',
      WORKER_PORT: '7890',
      WORKER_HOST: '127.0.0.1',
      WORKER_SECRET: 'w'.repeat(43),
    });
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(env).not.toHaveProperty('AUTH_SECRET');
  });
});

describe('parseBootstrapOutput', () => {
  it('reads the last stdout line', () => {
    const out =
      'migrating\napplied 3 migrations\n' +
      '{"dataDir":"/d","database":"embedded","demo":{"email":"demo@facecast.local","password":"pw"}}\n';
    expect(parseBootstrapOutput(out)).toEqual({
      dataDir: '/d',
      database: 'embedded',
      demo: { email: 'demo@facecast.local', password: 'pw' },
    });
  });

  it('accepts demo null (password changed)', () => {
    expect(
      parseBootstrapOutput('{"dataDir":"/d","database":"postgresql","demo":null}').demo,
    ).toBeNull();
  });

  it('skips log lines written after the result line (pino flushes late)', () => {
    const log = '{"level":30,"svc":"app","status":"ready","msg":"avatar prepared"}';
    expect(parseBootstrapOutput(`{"dataDir":"/d","demo":null}\n${log}`).dataDir).toBe('/d');
  });

  it('rejects output without a result line', () => {
    expect(() => parseBootstrapOutput('Done.')).toThrow(/JSON result line/);
    expect(() => parseBootstrapOutput('{"database":"embedded"}')).toThrow(/dataDir/);
  });
});
