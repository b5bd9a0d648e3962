/**
 * The container deployment as Docker Compose resolves it: `docker-compose config` with the
 * example env file (Debian's docker-compose; `npm test -- --only deploy` installs it), then
 * the shape an operator relies on: the seven services, two app instances and two worker hosts,
 * health checks and healthy-before-start ordering, images built here from the local base
 * image as non-root users, and only documented settings.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  baseImageProblems,
  type ComposeConfig,
  documentedSettings,
  hasHealthcheck,
  interpolatedVariables,
  isMultiStage,
  isRootUser,
  parseDockerfile,
  parseEnvFile,
  pullsFromRegistry,
  runtimeUser,
  serviceHasHealthcheck,
  unhealthyDependencies,
} from './testing/compose-checks';

const root = path.resolve(import.meta.dirname, '..');
const deployDir = path.join(root, 'deploy');
const composeFile = path.join(deployDir, 'compose.yaml');
const envExample = path.join(deployDir, '.env.example');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const SERVICES = ['postgres', 'redis', 'livekit-a', 'livekit-b', 'app-a', 'app-b', 'worker'];
const APPS = ['app-a', 'app-b'];
/** Services running Facecast's own code: their environment is Facecast's settings. */
const FACECAST_SERVICES = [...APPS, 'worker'];
/** Services whose Dockerfile builds something (the others install Debian packages). */
const BUILT_FROM_SOURCE = [...APPS, 'worker', 'livekit-a', 'livekit-b'];

let config: ComposeConfig;

beforeAll(async () => {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      'docker-compose',
      ['-f', composeFile, '--env-file', envExample, 'config'],
      {
        cwd: root,
        timeout: 20_000,
        // Only PATH: compose prefers the caller's variables to the env file's, and the test
        // checks the env file.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'test' },
      },
    ));
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') {
      throw new Error('docker-compose is not installed (Debian: apt-get install docker-compose)');
    }
    throw new Error(`docker-compose config failed:\n${stderr ?? String(error)}`);
  }
  config = parse(stdout) as ComposeConfig;
});

function dockerfileOf(service: string) {
  const build = config.services[service]?.build;
  const file = typeof build === 'object' ? build.dockerfile : undefined;
  if (!file) throw new Error(`${service} has no build.dockerfile`);
  return { file, parsed: parseDockerfile(read(file)) };
}

describe('deploy/compose.yaml', () => {
  it('defines exactly the seven services', () => {
    expect(Object.keys(config.services).sort()).toEqual([...SERVICES].sort());
  });

  it('runs two app instances and two worker hosts that report to both instances', () => {
    for (const name of APPS) {
      expect(config.services[name]?.build, name).toEqual(config.services['app-a']?.build);
    }
    expect(config.services.worker?.deploy?.replicas).toBe(2);
    // A comma-separated list: every host reports to every instance (decision 027).
    const appUrls = config.services.worker?.environment?.FACECAST_APP_URL?.split(',') ?? [];
    expect(appUrls.map((url) => new URL(url).hostname).sort()).toEqual(APPS);
  });

  it('gives every service a health check and starts each only after what it needs is healthy', () => {
    for (const name of SERVICES) {
      const service = config.services[name] ?? {};
      expect(serviceHasHealthcheck(service), `${name} healthcheck`).toBe(true);
      expect(unhealthyDependencies(service), `${name} depends_on`).toEqual([]);
    }
    for (const name of APPS) {
      expect(Object.keys(config.services[name]?.depends_on ?? {}), name).toContain('postgres');
      expect(Object.keys(config.services.worker?.depends_on ?? {})).toContain(name);
    }
  });

  it('builds every image here from the local base image: nothing comes from a registry', () => {
    for (const name of SERVICES) {
      const service = config.services[name] ?? {};
      expect(pullsFromRegistry(service), `${name} image`).toBe(false);
      const { file, parsed } = dockerfileOf(name);
      expect(file, name).toMatch(/^deploy\/[a-z]+\.Dockerfile$/);
      expect(baseImageProblems(parsed), file).toEqual([]);
    }
  });

  it('builds in one stage and runs in another, as a non-root user, with a HEALTHCHECK', () => {
    for (const name of SERVICES) {
      const { file, parsed } = dockerfileOf(name);
      if (BUILT_FROM_SOURCE.includes(name)) expect(isMultiStage(parsed), file).toBe(true);
      expect(isRootUser(runtimeUser(parsed)), `${file} USER`).toBe(false);
      expect(hasHealthcheck(parsed), `${file} HEALTHCHECK`).toBe(true);
    }
  });

  it("sets only settings of the README's configuration table on the app and the worker", () => {
    const documented = documentedSettings(read('README.md'));
    expect(documented.size).toBeGreaterThan(30);
    for (const name of FACECAST_SERVICES) {
      const variables = Object.keys(config.services[name]?.environment ?? {});
      expect(variables.length, name).toBeGreaterThan(0);
      expect(
        variables.filter((v) => !documented.has(v)),
        `${name}: undocumented`,
      ).toEqual([]);
    }
  });

  it('sets on the app and the worker only variables that process reads', () => {
    // The validated settings of each (lib/config/env.ts, worker/env.ts) and the app server's.
    const appReader = read('lib/config/env.ts') + read('scripts/app-server.mjs');
    for (const name of FACECAST_SERVICES) {
      const source = name === 'worker' ? read('worker/env.ts') : appReader;
      const unread = Object.keys(config.services[name]?.environment ?? {}).filter(
        (variable) => !new RegExp(`\\b${variable}\\b`).test(source),
      );
      expect(unread, `${name}: set but not read`).toEqual([]);
    }
  });

  it('sets on PostgreSQL and Redis only variables their images read', () => {
    for (const [name, sources] of [
      ['postgres', ['deploy/postgres.Dockerfile', 'deploy/postgres-entrypoint.sh']],
      ['redis', ['deploy/redis.Dockerfile']],
    ] as const) {
      const text = sources.map(read).join('\n');
      for (const variable of Object.keys(config.services[name]?.environment ?? {})) {
        expect(text, `${name} reads ${variable}`).toMatch(new RegExp(`\\$\\{?${variable}\\b`));
      }
    }
  });

  it('gets every variable it interpolates from .env.example, with placeholders for secrets', () => {
    const example = parseEnvFile(readFileSync(envExample, 'utf8'));
    const used = interpolatedVariables(readFileSync(composeFile, 'utf8'));
    expect([...used].filter((v) => !example.has(v))).toEqual([]);
    for (const secret of [
      'AUTH_SECRET',
      'WORKER_SECRET',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
    ]) {
      expect(example.get(secret), secret).toBe('change-me');
    }
    // LiveKit's public development keys: worker hosts refuse them with a networked server.
    expect(example.get('LIVEKIT_API_KEY')).not.toBe('devkey');
    expect(example.get('LIVEKIT_API_SECRET')).not.toBe('secret');
    expect(example.get('APP_URL')).toMatch(/^https:\/\//);
    expect(example.get('LIVEKIT_URL')).toMatch(/^wss:\/\//);
  });
});
