import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_ID_HEADER, hostReportSchema, type HostReport } from '../../protocol/host-report';
import { AppReporter } from './app-reporter';
import { buildHostReport } from './host-report-builder';

const log = pino({ level: 'silent' });
const servers: http.Server[] = [];

/** An app stand-in that records reports and answers `stop`; `down` answers 503. */
async function fakeApp(stop: string[] = []) {
  const reports: HostReport[] = [];
  const hostHeaders: Array<string | undefined> = [];
  const state = { down: false };
  const server = http.createServer((req, res) => {
    hostHeaders.push(req.headers[HOST_ID_HEADER] as string | undefined);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (state.down) {
        res.writeHead(503).end();
        return;
      }
      reports.push(hostReportSchema.parse(JSON.parse(body)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stop }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, reports, hostHeaders, state, server };
}

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let sequence = 0;
const report = () =>
  buildHostReport({
    hostId: 'host-a',
    agentWorkerId: undefined,
    metricsUrl: 'http://127.0.0.1:7890/metrics',
    capacity: 2,
    cores: 2,
    restarts: sequence++,
    draining: false,
    sessions: [],
    prewarmed: 1,
    stats: new Map(),
    handBack: [],
    failed: [],
  });

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

describe('AppReporter with several app instances', () => {
  it('sends every report to every app and stops what any of them names', async () => {
    const first = await fakeApp(['s1']);
    const second = await fakeApp(['s2', 's1']);
    const stopped: string[][] = [];
    const reporter = new AppReporter({
      appUrls: [first.url, second.url],
      workerSecret: 's3cret-s3cret',
      log,
      build: () => Promise.resolve(report()),
      onStop: (ids) => stopped.push(ids),
      intervalMs: 20,
    });
    reporter.start();
    await until(() => first.reports.length >= 3 && second.reports.length >= 3);
    await reporter.close();
    // The same reports, in the same order, to both.
    const restarts = (app: typeof first) => app.reports.map((r) => r.restarts);
    expect(restarts(first).slice(0, 3)).toEqual(restarts(second).slice(0, 3));
    // One stop per report, each session named once.
    expect(stopped[0]!.sort()).toEqual(['s1', 's2']);
    // Each names its host in a header, for the app to note before reading the body.
    expect(new Set([...first.hostHeaders, ...second.hostHeaders])).toEqual(new Set(['host-a']));
  });

  it('keeps reporting to the others while one app is gone, and to it again once back', async () => {
    const first = await fakeApp();
    const second = await fakeApp();
    const reporter = new AppReporter({
      appUrls: [first.url, second.url],
      workerSecret: 's3cret-s3cret',
      log,
      build: () => Promise.resolve(report()),
      onStop: () => undefined,
      intervalMs: 20,
    });
    reporter.start();
    await until(() => first.reports.length >= 1);
    // The first instance dies: its port closes.
    first.server.closeAllConnections();
    await new Promise((resolve) => first.server.close(resolve));
    const before = second.reports.length;
    await until(() => second.reports.length >= before + 5);
    // The second answers 503 for a while; it gets reports again once it is back.
    second.state.down = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const duringOutage = second.reports.length;
    second.state.down = false;
    await until(() => second.reports.length > duringOutage);
    await reporter.close();
  });
});
