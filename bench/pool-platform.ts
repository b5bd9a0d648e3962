/**
 * The whole platform for the pool benchmark, started the way `npm start` and the e2e suite
 * start it (scripts/lib/stack.mjs): LiveKit, database bootstrap (demo user + demo avatar),
 * the Next.js app and one worker host. The benchmark then talks to it like a developer does:
 * an API key made for it, and the public REST API.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { findLivekitServer } from '@/scripts/lib/livekit-binary.mjs';
import { NAMESPACE_NODE_IP } from '@/scripts/lib/livekit-config.mjs';
import { ensureNextBuild } from '@/scripts/lib/next-build.mjs';
import { ensureWorkerBundle } from '@/scripts/lib/worker-bundle.mjs';
import { loadOrCreateSecrets } from '@/scripts/lib/secrets.mjs';
import { startStack, type Stack } from '@/scripts/lib/stack.mjs';
import { demoApiKey } from '@/tests/support/api-key-login';

const repoRoot = path.resolve(import.meta.dirname, '..');

export interface Platform {
  dataDir: string;
  logFile: string;
  api: ApiClient;
  /** The app's base URL and the API key `api` sends. */
  appUrl: string;
  apiKey: string;
  /** Worker host HTTP API base URL and its bearer secret. */
  workerUrl: string;
  workerSecret: string;
  /** Pid of a service's latest process: `app`, `worker`, `livekit`, or one added by addWorker. */
  pid(name: string): number;
  /** Starts the app again on the same data directory after it was killed (fault benchmark). */
  restartApp(): Promise<void>;
  /** Starts one more worker host (`name`) on `port`; resolves with its HTTP API base URL. */
  addWorker(options: { port: number; name: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** Seconds of a `Retry-After` header, when the answer had one. */
  retryAfterS?: number;
}

export type ApiClient = (method: string, route: string, body?: unknown) => Promise<ApiResponse>;

/** Starts the platform inside the test namespace; `env` adds worker settings. */
export async function startPlatform(env: Record<string, string>): Promise<Platform> {
  await ensureNextBuild({ root: repoRoot });
  // Session processes run the bundle only when it is fresh; a stale one falls back to tsx.
  await ensureWorkerBundle(repoRoot);
  const livekitServer = findLivekitServer(repoRoot);
  if (!livekitServer)
    throw new Error('livekit-server not found: run `npm run setup` (or set LIVEKIT_SERVER_BIN)');
  const dataDir = path.join(repoRoot, '.test-data', `bench-pool-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'stack.log');
  const output = fs.createWriteStream(logFile);
  const appUrl = 'http://localhost:3000';
  const stack = await startStack({
    dataDir,
    root: repoRoot,
    livekitServer,
    nodeIp: NAMESPACE_NODE_IP,
    appUrl,
    env: {
      ...process.env,
      // One demo account fills the pool: per-user quotas would stop it first.
      FACECAST_QUOTA_CONCURRENT_SESSIONS: '1000',
      FACECAST_QUOTA_MONTHLY_MINUTES: '1000000',
      ...env,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    output,
    log: (message) => output.write(`[bench] ${message}\n`),
  }).catch((error: unknown) => {
    throw new Error(`the platform did not start (log: ${logFile}): ${(error as Error).message}`);
  });
  // A failed sign-in must not leave the stack running (the benchmark would never exit).
  const { api, key } = await apiKeyClient(stack).catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  return {
    dataDir,
    logFile,
    api,
    appUrl,
    apiKey: key,
    workerUrl: stack.urls.worker,
    workerSecret: loadOrCreateSecrets(dataDir).WORKER_SECRET,
    pid: (name) => stack.pid(name),
    restartApp: () => stack.startApp(),
    addWorker: async ({ port, name }) => {
      await stack.startWorker({ port, name, env: { WORKER_NAME: name } });
      return `http://127.0.0.1:${port}`;
    },
    stop: () => stack.stop({ graceMs: 10_000 }),
  };
}

/** Makes an API key for the demo login (as the login page signs in), returns a client using it. */
async function apiKeyClient(stack: Stack): Promise<{ api: ApiClient; key: string }> {
  const appUrl = stack.urls.app;
  const { key } = await demoApiKey(stack, 'bench-pool');
  const api: ApiClient = async (method, route, body) => {
    const response = await fetch(new URL(route, appUrl), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return { api, key };
}

/** Id of the demo avatar bootstrap made (the first ready avatar of the account). */
export async function demoAvatarId(api: ApiClient): Promise<string> {
  const { status, body } = await api('GET', '/api/v1/avatars');
  const avatars = (body as { avatars?: Array<{ id: string; status: string }> }).avatars ?? [];
  const ready = avatars.find((avatar) => avatar.status === 'ready');
  if (status !== 200 || !ready)
    throw new Error(
      `no ready demo avatar (GET /api/v1/avatars ${status}: ${JSON.stringify(body)})`,
    );
  return ready.id;
}

/**
 * One API request with the platform's key over `agent` (`false`: a new connection of its own,
 * as a separate client would open). Rejects on a connection error; a body that is not JSON is
 * given as text.
 */
export function apiRequest(
  target: { appUrl: string; apiKey: string },
  agent: http.Agent | false,
  method: string,
  route: string,
  body?: unknown,
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(route, target.appUrl);
  // The app listens on 127.0.0.1; "localhost" may resolve to ::1 first.
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          const retryAfterS = Number(response.headers['retry-after']);
          resolve({
            status: response.statusCode ?? 0,
            body: parsed,
            ...(Number.isFinite(retryAfterS) ? { retryAfterS } : {}),
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
