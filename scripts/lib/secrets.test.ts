import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from './secrets.mjs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-secrets-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadOrCreateSecrets', () => {
  it('creates the data dir and a 0600 secrets file with long random values', () => {
    const dataDir = path.join(dir, 'data');
    const secrets = loadOrCreateSecrets(dataDir);
    const file = path.join(dataDir, 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(secrets.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(secrets.WORKER_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(secrets.LIVEKIT_API_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(secrets.AUTH_SECRET).not.toBe(secrets.WORKER_SECRET);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(secrets);
  });

  it('returns the same secrets on the next start', () => {
    const first = loadOrCreateSecrets(dir);
    expect(loadOrCreateSecrets(dir)).toEqual(first);
  });

  it('fills in missing keys without touching existing ones or unknown ones', () => {
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ AUTH_SECRET: 'kept-kept-kept-kept-kept-kept-kept', EXTRA: 1 }),
      {
        mode: 0o644,
      },
    );
    const secrets = loadOrCreateSecrets(dir);
    expect(secrets.AUTH_SECRET).toBe('kept-kept-kept-kept-kept-kept-kept');
    expect(secrets.WORKER_SECRET).toBeTruthy();
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(stored.EXTRA).toBe(1);
    expect(stored.WORKER_SECRET).toBe(secrets.WORKER_SECRET);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt file instead of silently replacing the secrets', () => {
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{not json');
    expect(() => loadOrCreateSecrets(dir)).toThrow(/not valid JSON/);
  });
});
