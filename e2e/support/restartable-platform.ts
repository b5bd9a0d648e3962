/**
 * A Facecast platform of a spec's own, for specs that restart its LiveKit server (the shared
 * stack's must stay up for every other spec): a LiveKit server the spec can stop and start
 * again on the same ports (tests/integration/support/livekit-server.ts), and the app and a
 * worker host started on free ports by the same code as `npm start` and the suite's global
 * setup (scripts/lib/stack.mjs, `externalLivekit`), on a fresh embedded database whose
 * bootstrap made the demo admin and a ready demo avatar. Runs inside the suite's network
 * namespace, next to the shared stack.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, request } from '@playwright/test';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import {
  startLivekitServer,
  type LivekitServer,
} from '../../tests/integration/support/livekit-server';
import { freeTcpPort } from '../../tests/integration/support/ports';
import { demoApiKey } from '../../tests/support/api-key-login';
import { NAMESPACE_NODE_IP } from './stack-info';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface RestartablePlatform {
  /** The app's origin (http://localhost:<port>): embed.js and the widget's frame. */
  appUrl: string;
  livekit: LivekitServer;
  /** The demo admin's API, `Authorization: Bearer <key>`. */
  api: APIRequestContext;
  /** The bootstrap's ready demo avatar. */
  demoAvatarId: string;
  /** The end of the stack's log, for failure messages. */
  logTail: (lines?: number) => string;
  stop: () => Promise<void>;
}

export async function startRestartablePlatform(name: string): Promise<RestartablePlatform> {
  const dataDir = path.join(ROOT, '.test-data', `${name}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'stack.log');
  const output = fs.createWriteStream(logFile);
  const logTail = (lines = 40) =>
    fs.existsSync(logFile)
      ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n')
      : '';
  const livekit = await startLivekitServer({ nodeIp: NAMESPACE_NODE_IP });
  let stack: Stack | undefined;
  let api: APIRequestContext | undefined;
  const stop = async () => {
    await api?.dispose();
    await stack?.stop({ graceMs: 10_000 });
    await livekit.stop();
    output.end();
    if (process.env.FACECAST_E2E_KEEP_DATA !== '1')
      fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const appPort = await freeTcpPort();
    // A database of its own (embedded): the shared stack's, if the suite was given one, is not
    // this app's.
    const { DATABASE_URL: _shared, ...env } = process.env;
    stack = await startStack({
      dataDir,
      root: ROOT,
      appPort,
      appUrl: `http://localhost:${appPort}`,
      workerPort: await freeTcpPort(),
      externalLivekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
      output,
      log: (message) => output.write(`[${name}] ${message}\n`),
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${logTail()}`);
    });
    const appUrl = stack.urls.app;
    const { key } = await demoApiKey(stack, name);
    api = await request.newContext({
      baseURL: appUrl,
      extraHTTPHeaders: { authorization: `Bearer ${key}` },
    });
    const avatars = (await (await api.get('/api/v1/avatars')).json()) as {
      avatars: Array<{ id: string; status: string }>;
    };
    const demoAvatar = avatars.avatars.find((a) => a.status === 'ready');
    if (!demoAvatar) throw new Error(`no ready demo avatar: ${JSON.stringify(avatars)}`);
    return { appUrl, livekit, api, demoAvatarId: demoAvatar.id, logTail, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
