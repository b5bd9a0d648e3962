/**
 * Starts the stack once for the whole run, inside the private network namespace the runner
 * must already be in. Refuses to run anywhere else: WebRTC would gather candidates on the
 * host's eth0, and a non-local database could be someone's real data.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { findLivekitServer } from '../scripts/lib/livekit-binary.mjs';
import { startStack, type Stack } from '../scripts/lib/stack.mjs';
import { E2E_APP_URL, HOST_ETH0_IP, NAMESPACE_NODE_IP } from './support/stack-info';

const NAMESPACE_HELP =
  `The e2e suite must run inside a private network namespace with veth0 = ${NAMESPACE_NODE_IP} ` +
  `(WebRTC must not touch the host's interfaces). Run \`npm test -- --only e2e\`, or as root:\n` +
  `  unshare --net bash -c 'ip link set lo up; ip link add veth0 type veth peer name veth1; ` +
  `ip addr add ${NAMESPACE_NODE_IP}/24 dev veth0; ip addr add 10.77.0.2/24 dev veth1; ` +
  `ip link set veth0 up; ip link set veth1 up; npx playwright test'`;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Key under which the running stack is kept for global-teardown.ts (same process). */
export const STACK_KEY = Symbol.for('facecast.e2e.stack');

function assertInsideNamespace(): void {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .map((info) => info?.address);
  if (!addresses.includes(NAMESPACE_NODE_IP)) {
    throw new Error(`${NAMESPACE_NODE_IP} is not on any interface. ${NAMESPACE_HELP}`);
  }
  if (addresses.includes(HOST_ETH0_IP)) {
    throw new Error(`the host interface ${HOST_ETH0_IP} is visible. ${NAMESPACE_HELP}`);
  }
}

/** Refuses any app URL or database that is not on this machine. */
function assertLocalOnly(appUrl: string): void {
  const appHost = new URL(appUrl).hostname;
  if (!LOCAL_HOSTS.has(appHost)) {
    throw new Error(`refusing to run e2e tests against a non-local app (${appUrl})`);
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const dbHost = new URL(databaseUrl).hostname;
    if (!LOCAL_HOSTS.has(dbHost) && dbHost !== '') {
      throw new Error(
        `refusing to run e2e tests against a non-local database (DATABASE_URL host ${dbHost}); ` +
          'unset DATABASE_URL to use a fresh embedded database',
      );
    }
  }
}

export default async function globalSetup(_config: FullConfig): Promise<void> {
  assertInsideNamespace();
  assertLocalOnly(E2E_APP_URL);
  const root = path.resolve(import.meta.dirname, '..');
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error('no production build: run `NEXT_TELEMETRY_DISABLED=1 npx next build` first');
  }
  const livekitServer = findLivekitServer(root);
  if (!livekitServer) {
    throw new Error('livekit-server not found: run `npm run setup` (or set LIVEKIT_SERVER_BIN)');
  }

  const dataDir = path.join(root, '.test-data', `e2e-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'stack.log');
  const output = fs.createWriteStream(logFile);
  // Bookings draw on a fixed pool (3 slots, 2 bookable) instead of what the hosts report,
  // so the booking tests know where capacity ends (e2e/api/bookings.spec.ts). Quotas are the
  // defaults (3 sessions at once, 600 minutes a month: each test has its own user, none runs
  // more than 3; the full-pool test fills the pool with several users), and an instant
  // session nobody joins ends after one minute instead of ten, so e2e/api/quotas.spec.ts
  // can watch it happen (no test keeps a session that long without a viewer).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    FACECAST_BOOKABLE_SLOTS: '3',
    FACECAST_QUOTA_CONCURRENT_SESSIONS: '3',
    FACECAST_QUOTA_MONTHLY_MINUTES: '600',
    FACECAST_IDLE_MINUTES: '1',
    // The suite plays one reverse proxy in front of the app: request contexts name their own
    // client address in X-Forwarded-For (fixtures.ts clientAddress()), so each test user comes
    // from an address of its own, as people do, and the per-address rate limits keep their
    // defaults. Browser pages, sending none, are 127.0.0.1.
    FACECAST_TRUSTED_PROXIES: '1',
    // The OpenAI stand-ins (tests/support/openai-stand-in.ts) listen on 127.0.0.1 in this
    // namespace: the operator lets every user's avatars reach them, as docs/security.md shows.
    FACECAST_OUTBOUND_ALLOWLIST: '127.0.0.1',
  };
  process.stdout.write(`e2e: starting the stack in ${dataDir} (log: ${logFile})\n`);
  const started = Date.now();
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir,
      root,
      livekitServer,
      nodeIp: NAMESPACE_NODE_IP,
      appUrl: E2E_APP_URL,
      env,
      output,
      log: (message) => output.write(`[e2e] ${message}\n`),
    });
  } catch (error) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(
      `the stack did not start: ${(error as Error).message}\n--- ${logFile} ---\n${tail}`,
    );
  }
  process.stdout.write(`e2e: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  (globalThis as Record<symbol, unknown>)[STACK_KEY] = stack;

  process.env.FACECAST_E2E_APP_URL = stack.urls.app;
  process.env.FACECAST_E2E_LIVEKIT_URL = stack.urls.livekit;
  process.env.FACECAST_E2E_LIVEKIT_INTERNAL_URL = stack.urls.livekitInternal;
  process.env.FACECAST_E2E_DATA_DIR = dataDir;
}
