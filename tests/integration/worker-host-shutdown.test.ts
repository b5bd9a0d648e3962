/**
 * A stopping worker host starts no child again. `npm start` and service managers send the
 * SIGTERM to the host's whole process group, so its speech service and prewarmed session
 * processes get it too and exit; a host that forked them again while it was still shutting
 * down left a child that never got the signal, running until a second SIGTERM or a SIGKILL.
 *
 * The host here reports to an app stand-in that answers only after 4 s (an app that is
 * stopping too), so its shutdown lasts long enough for a restart (1 s after an exit) to show.
 * Real LiveKit server, real host process (worker/main.ts), inside the test namespace.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allProcesses, type ProcessInfo } from '../support/process-tree';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { assertTestNamespace } from './support/network';
import { startWorkerHost } from './support/worker-host';

/** How long the app stand-in holds each report before answering, ms. */
const REPORT_DELAY_MS = 4_000;

let livekit: LivekitServer;
let slowApp: Server;
let slowAppUrl: string;

/** Live (not zombie) members of a process group. */
const groupMembers = (pgid: number): ProcessInfo[] =>
  allProcesses().filter((p) => p.pgid === pgid && !p.zombie);
const key = (p: ProcessInfo) => `${p.pid}@${p.startTime}`;
const describeProcess = (p: ProcessInfo) => `${p.pid} ${p.name}: ${p.command.slice(0, 160)}`;

beforeAll(async () => {
  assertTestNamespace();
  livekit = await startLivekitServer();
  slowApp = createServer((request, response) => {
    request.resume();
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }, REPORT_DELAY_MS);
  });
  await new Promise<void>((resolve) => slowApp.listen(0, '127.0.0.1', resolve));
  slowAppUrl = `http://127.0.0.1:${(slowApp.address() as AddressInfo).port}`;
});

afterAll(async () => {
  slowApp?.closeAllConnections();
  await new Promise((resolve) => slowApp?.close(resolve));
  await livekit?.stop();
});

describe('worker host shutdown', () => {
  it('SIGTERM to its process group: no child is started again, nothing is left once it exits', async () => {
    const host = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      appUrl: slowAppUrl,
      ownProcessGroup: true,
      env: { WORKER_PREWARM: '1' },
    });
    // The speech service and the prewarmed session process are up.
    const deadline = Date.now() + 30_000;
    while (
      !groupMembers(host.pid).some((p) => p.command.includes('session')) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const before = groupMembers(host.pid);
    const listing = before.map(describeProcess).join('\n');
    expect(
      before.some((p) => p.command.includes('speech-service-main')),
      listing,
    ).toBe(true);
    expect(
      before.some((p) => p.command.includes('session')),
      listing,
    ).toBe(true);
    const known = new Set(before.map(key));

    const termAt = Date.now();
    host.killGroup('SIGTERM');
    let exitCode: number | null | undefined;
    void host.exited.then((code) => (exitCode = code));
    const startedLater = new Map<string, ProcessInfo>();
    while (exitCode === undefined && Date.now() - termAt < 20_000) {
      for (const p of groupMembers(host.pid)) {
        if (!known.has(key(p))) startedLater.set(key(p), p);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stoppedAfterMs = Date.now() - termAt;
    expect(exitCode, host.output().slice(-3000)).toBe(0);
    // Long enough for a restart to have shown: the final report waited for the slow app.
    expect(stoppedAfterMs).toBeGreaterThan(2_000);
    expect(
      [...startedLater.values()].map(describeProcess),
      `processes started after the SIGTERM\n${host.output().slice(-3000)}`,
    ).toEqual([]);
    // Nothing of the group outlives the host (a moment for the kernel to reap).
    const goneBy = Date.now() + 1_000;
    while (groupMembers(host.pid).length > 0 && Date.now() < goneBy) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(groupMembers(host.pid).map(describeProcess)).toEqual([]);
  }, 60_000);
});
