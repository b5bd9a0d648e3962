/**
 * Fault (issue 14 §2): the app killed mid-preparation → no half-written avatar; preparation
 * resumes on restart. The whole stack (scripts/lib/stack.mjs: LiveKit, the production app, a
 * worker host) runs in a fresh data directory; a video avatar is uploaded through the API and
 * the app process is SIGKILLed while the preparation job writes the avatar's frame store.
 * While it is down and after it is started again on the same data directory, nothing of the
 * half-written store is visible: the avatar stays `preparing`, has no poster, cannot start a
 * session. The preparation runs again by itself, the avatar becomes ready, a session of it
 * goes live on the worker host (which maps and checks the store), and no temp file of the
 * killed job is left.
 *
 * Needs the production build (`npm test` runs the build step before this one) and runs inside
 * the test network namespace (support/network.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePortraitVideo } from '../../lib/testing/test-media';
import { findLivekitServer } from '../../scripts/lib/livekit-binary.mjs';
import { NAMESPACE_NODE_IP } from '../../scripts/lib/livekit-config.mjs';
import { needsNextBuild } from '../../scripts/lib/next-build.mjs';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { demoApiKey } from '../support/api-key-login';
import { allProcesses } from '../support/process-tree';
import { assertTestNamespace } from './support/network';
import { freeTcpPort, freeUdpPort, waitUntil } from './support/ports';

const root = path.resolve(import.meta.dirname, '..', '..');
/** A slow machine prepares an 8 s clip in about a minute; twice that, with margin. */
const READY_TIMEOUT_MS = 180_000;

let dataDir: string;
let stack: Stack | undefined;
let appUrl: string;
let apiKey: string;
let video: Buffer;

interface AvatarView {
  id: string;
  status: 'preparing' | 'ready' | 'failed';
  progress: number;
  stage?: string;
  error?: string;
}

const api = async (method: string, route: string, body?: unknown) => {
  const response = await fetch(new URL(route, appUrl), {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (an image): the text is enough for messages.
  }
  return { status: response.status, body: parsed };
};

const avatar = async (id: string) => {
  const { status, body } = await api('GET', `/api/v1/avatars/${id}`);
  if (status !== 200) throw new Error(`GET avatar ${id}: ${status} ${JSON.stringify(body)}`);
  return body as AvatarView;
};

/** Files of the avatar's store directory; the writer's temp files start with a dot. */
const storeFiles = (id: string): string[] => {
  const dir = path.join(dataDir, 'avatars', id, 'store');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

/** Live preparation jobs (lib/avatars/prepare-avatar-job.ts) of this data directory. */
const preparationJobs = () =>
  allProcesses().filter(
    (p) => !p.zombie && p.command.includes('prepare-avatar-job') && p.command.includes(dataDir),
  );

/** Polls `check` every 50 ms until true; unlike waitUntil, an error from `check` ends it. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stackLog = () => {
  const file = path.join(dataDir, 'stack.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-4000) : '';
};

describe('the app killed mid-preparation', () => {
  beforeAll(async () => {
    assertTestNamespace();
    if (needsNextBuild(root)) {
      throw new Error(
        'the production build is missing or stale: run `npm test -- --only build,integration`',
      );
    }
    const livekitServer = findLivekitServer(root);
    if (!livekitServer) throw new Error('livekit-server not found: run `npm run setup`');
    dataDir = path.join(root, '.test-data', `app-kill-prep-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(dataDir, { recursive: true });
    video = fs.readFileSync(
      await makePortraitVideo({ out: path.join(dataDir, 'drift.mp4'), format: 'mp4', seconds: 8 }),
    );
    const appPort = await freeTcpPort();
    appUrl = `http://127.0.0.1:${appPort}`;
    const output = fs.createWriteStream(path.join(dataDir, 'stack.log'));
    stack = await startStack({
      dataDir,
      root,
      livekitServer,
      nodeIp: NAMESPACE_NODE_IP,
      appPort,
      appUrl,
      workerPort: await freeTcpPort(),
      livekitPorts: {
        http: await freeTcpPort(),
        tcp: await freeTcpPort('0.0.0.0'),
        udp: await freeUdpPort(),
      },
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      output,
      log: (message) => output.write(`[test] ${message}\n`),
    });
    ({ key: apiKey } = await demoApiKey(stack, 'app-kill-preparation'));
  }, 300_000);

  afterAll(async () => {
    await stack?.stop({ graceMs: 5_000 });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no half-written avatar visible and resumes the preparation on restart', async () => {
    const form = new FormData();
    form.set('name', 'Killed Mid-Way');
    form.set('video', new Blob([new Uint8Array(video)], { type: 'video/mp4' }), 'drift.mp4');
    const created = await fetch(new URL('/api/v1/avatars', appUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: form,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as AvatarView;

    // Kill the app once the job writes the frame store: its temp file exists, no manifest yet.
    const writing = () => storeFiles(id).some((name) => name.endsWith('.tmp'));
    await until(
      async () => {
        if (writing()) return true;
        const view = await avatar(id);
        if (view.status !== 'preparing')
          throw new Error(`preparation ended before the kill: ${JSON.stringify(view)}`);
        return false;
      },
      READY_TIMEOUT_MS,
      'the preparation job to write the frame store',
    );
    const appPid = stack!.pid('app');
    process.kill(appPid, 'SIGKILL');
    const killedAt = Date.now();
    await waitUntil(() => !fs.existsSync(`/proc/${appPid}/stat`), 5_000, 'the app to die');

    // The job the app started does not outlive it: it would go on writing the store while
    // the restarted app prepares the same avatar again.
    await waitUntil(() => preparationJobs().length === 0, 10_000, 'the orphaned job to stop');
    const leftByKill = storeFiles(id);
    expect(leftByKill, 'the store was complete before the kill').not.toContain('frames.json');

    await stack!.startApp();
    const restartedAt = Date.now();
    // Right after the restart: still preparing, nothing of the half-written store served.
    const resumed = await avatar(id);
    expect(resumed.status, JSON.stringify(resumed)).toBe('preparing');
    expect((await api('GET', `/api/v1/avatars/${id}/image`)).status).toBe(404);
    const early = await api('POST', '/api/v1/sessions', { avatarId: id, wait: false });
    expect(early.status, JSON.stringify(early.body)).toBe(409);

    let view = resumed;
    await until(
      async () => {
        view = await avatar(id);
        if (view.status === 'failed') throw new Error(`preparation failed: ${view.error}`);
        return view.status === 'ready';
      },
      READY_TIMEOUT_MS,
      'the avatar to become ready after the restart',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} (last ${JSON.stringify(view)})\n${stackLog()}`);
    });
    const readyAfterMs = Date.now() - restartedAt;
    expect(view.progress).toBe(100);
    const poster = await fetch(new URL(`/api/v1/avatars/${id}/image`, appUrl), {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/png');
    // Only the committed store: the killed job's temp files are gone.
    expect(storeFiles(id)).toEqual(['frames.frames', 'frames.json']);

    // The worker host maps and checks the store when the session starts.
    const session = await api('POST', '/api/v1/sessions', { avatarId: id, wait: true });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const started = session.body as { id: string; status: string };
    expect(started.status).toBe('live');
    expect((await api('DELETE', `/api/v1/sessions/${started.id}`)).status).toBeLessThan(300);
    process.stdout.write(
      `app-kill-preparation: killed ${Date.now() - killedAt} ms ago; ready ${readyAfterMs} ms after the restart; left by the kill: ${leftByKill.join(', ')}\n`,
    );
  }, 600_000);
});
