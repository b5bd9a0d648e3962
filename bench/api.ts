/**
 * The REST API under load (issue 14 §5), through the whole platform as `npm start` runs it
 * (scripts/lib/stack.mjs: LiveKit, app, one worker host): 200 clients, each with its own
 * keep-alive connection, loop for 60 s over a developer's mix of calls with one API key:
 *
 * - list: GET /api/v1/avatars, /api/v1/sessions, /api/v1/bookings (40 %)
 * - token: POST /api/v1/sessions/:id/tokens on a running session (15 %)
 * - message: POST /api/v1/sessions/:id/messages, echo mode, interrupting (15 %)
 * - booking: POST /api/v1/bookings far ahead, then DELETE it when made (20 %)
 * - session: POST /api/v1/sessions, then DELETE it when started (10 %)
 *
 * A client told to come back later (429 or 503 with `Retry-After`) waits that long before its
 * next call, as a well-behaved API client does.
 *
 * Figures: `p50_ms` / `p99_ms` (goal ≤ 300) over every request, per kind too, and
 * `accepted_p50_ms` / `accepted_p99_ms` over the answers that did the work (2xx); `requests`;
 * `errors` (goal 0): answers other than the documented refusals, which are counted apart
 * (`refused_429`, `refused_503`: the pool full or the app busy, `refused_busy`: of those, the
 * app's load shedding, scripts/lib/admission.mjs; `refused_409`: no booking capacity);
 * `app_rss_before_mb` / `app_rss_after_mb` / `app_rss_growth_pct` (goal < 10): the Next.js
 * server's resident memory after a warm-up (a round of every call, then the run's load for as
 * long as the run) and after the run, each 30 s settled: what a second identical run adds;
 * `app_rss_peak_warmup_mb` / `app_rss_peak_run_mb` / `app_rss_peak_growth_pct`: the most it
 * held during the warm-up's load and during the run's (read twice a second), which does not
 * depend on when V8 last gave memory back. `app_heap_gc_*`, `app_external_gc_*`, `app_rss_gc_*`:
 * at the same two settled moments, right after a full collection of the app's main-thread heap
 * through its inspector (bench/inspector-gc.ts): the V8 heap still in use (where a leak of
 * JavaScript objects shows), Buffers and wasm memories, and the resident memory.
 *
 * Limits a single API key would hit at once (tokens per minute, quotas) are raised: the
 * benchmark measures the API's cost, not its refusals. `--seconds N` and `--clients N` change
 * the run; `--db postgresql` runs it on a throwaway PostgreSQL server instead of PGlite;
 * `--samples FILE` writes every request's route, start, duration and status as JSON;
 * `--kinds list,token` keeps only those kinds of call in the mix. `app_cpu_ms_per_request` is
 * the app process's CPU time over the run divided by the requests it answered;
 * `shared_session_fps`: frames the avatar those calls talk to published a second during the run
 * (its worker renders on the same cores), and `shared_session_frames_dropped`. `--pin` gives the
 * app a core of its own, as if the worker hosts ran on other machines (pinAppAlone).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { startTestPostgres } from '@/scripts/lib/postgres-cluster.mjs';
import { runBenchInNamespace } from './in-namespace';
import {
  apiRequest,
  demoAvatarId,
  startPlatform,
  type ApiResponse,
  type Platform,
} from './pool-platform';
import { clockTicksPerSecond, kilobyteField, parseProcStat } from '@/worker/host/proc-stats';
import { processTree } from './pool-host';
import { memoryAfterFullGc, type MemoryAfterGc } from './inspector-gc';
import { percentileMs, round } from './stats';

const repoRoot = path.resolve(import.meta.dirname, '..');
const DAY_MS = 24 * 3_600_000;

type Kind = 'list' | 'token' | 'message' | 'booking' | 'session';

/** Weighted mix: a client picks the next call's kind from this list in turn. */
const MIX: Kind[] = [
  'list',
  'token',
  'list',
  'message',
  'booking',
  'list',
  'token',
  'session',
  'list',
  'message',
  'booking',
  'list',
  'token',
  'list',
  'message',
  'booking',
  'list',
  'booking',
  'list',
  'session',
];

interface Sample {
  kind: Kind;
  route: string;
  /** The app's load shedding refused it (503, "The server is busy…"). */
  busy?: boolean;
  /** When it was sent, ms since the run began. */
  at: number;
  ms: number;
  status: number;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a whole number`);
  return value;
}

function stringOption(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** `--kinds list,token`: the mix keeps only these kinds of call (to measure one route's cost). */
function mixOption(): Kind[] {
  const wanted = stringOption('kinds');
  if (wanted === undefined) return MIX;
  const kinds = wanted.split(',');
  const unknown = kinds.filter((kind) => !MIX.includes(kind as Kind));
  if (unknown.length > 0 || kinds.length === 0)
    throw new Error(`--kinds takes a comma list of: ${[...new Set(MIX)].join(', ')}`);
  return MIX.filter((kind) => kinds.includes(kind));
}

export async function apiBench(): Promise<Record<string, number | string>> {
  const clients = option('clients', 200);
  const seconds = option('seconds', 60);
  const at = process.argv.indexOf('--db');
  const database = at < 0 ? 'pglite' : process.argv[at + 1];
  if (database !== 'pglite' && database !== 'postgresql')
    throw new Error(`--db takes pglite or postgresql, not ${database}`);
  // The platform includes LiveKit and a worker host: WebRTC stays inside a namespace.
  if (!insideTestNamespace()) {
    const args = ['--clients', String(clients), '--seconds', String(seconds), '--db', database];
    const samplesFile = stringOption('samples');
    if (samplesFile) args.push('--samples', path.resolve(samplesFile));
    const kinds = stringOption('kinds');
    if (kinds) args.push('--kinds', kinds);
    if (process.argv.includes('--pin')) args.push('--pin');
    return runBenchInNamespace('api', args) as Record<string, number | string>;
  }
  mixOption(); // a wrong --kinds fails before the platform starts
  if (database === 'pglite') return { database, clients, seconds, ...(await measure({})) };
  const server = await startTestPostgres({ dir: path.join(repoRoot, '.test-data', 'bench-pg') });
  try {
    return { database, clients, seconds, ...(await measure({ DATABASE_URL: server.url })) };
  } finally {
    await server.stop();
  }
}

async function measure(env: Record<string, string>): Promise<Record<string, number | string>> {
  const clients = option('clients', 200);
  const seconds = option('seconds', 60);
  const platform = await startPlatform({
    FACECAST_TOKENS_PER_MINUTE: '100000',
    FACECAST_QUOTA_CONCURRENT_SESSIONS: '1000',
    FACECAST_QUOTA_MONTHLY_MINUTES: '1000000',
    ...env,
  });
  try {
    const appPid = nextServerPid(platform.dataDir);
    if (process.argv.includes('--pin')) pinAppAlone(platform, appPid);
    const avatarId = await demoAvatarId(platform.api);
    // One session every token and message call goes to, echo mode (no model needed).
    const started = await platform.api('POST', '/api/v1/sessions', { avatarId, wait: true });
    const sessionId = (started.body as { id?: string }).id;
    if (started.status !== 201 || !sessionId)
      throw new Error(`could not start the shared session: ${started.status}`);

    // One keep-alive connection per client for the warm-up and the run.
    const agents = Array.from(
      { length: clients },
      () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
    );
    let rssBefore: number;
    let gcBefore: MemoryAfterGc;
    let rssPeakBefore: number;
    let rssPeakAfter: number;
    let load1m: number;
    let samples: Sample[];
    let appCpuMs: number;
    let frames: { rendered: number; dropped: number };
    try {
      // Warm-up: every route once per client, so first-request compilation and opening the
      // connections are not in the figures, then the run's own load for as long as the run, so
      // that the memory baseline is the app after that load once and the growth is what a
      // second, identical run adds (where a leak would show). After one round only, the
      // baseline read 482-719 MB and the reading after the run 686-786 MB; after 20 s of load,
      // 529-762 MB: the heap had not yet reached its working size.
      await runClients(platform, {
        agents,
        durationMs: 0,
        avatarId,
        sessionId,
        rounds: MIX.length,
      });
      const warmupPeak = rssPeak(appPid);
      await runClients(platform, {
        agents,
        durationMs: seconds * 1000,
        avatarId,
        sessionId,
        mix: mixOption(),
      });
      rssPeakBefore = warmupPeak.stop();
      await settle();
      rssBefore = rssMb(appPid);
      gcBefore = await memoryAfterFullGc(appPid);
      load1m = os.loadavg()[0]!;
      const cpuBefore = cpuMs(appPid);
      const framesBefore = await sessionFrames(platform.workerUrl, sessionId);
      const runPeak = rssPeak(appPid);
      samples = await runClients(platform, {
        agents,
        durationMs: seconds * 1000,
        avatarId,
        sessionId,
        mix: mixOption(),
      });
      rssPeakAfter = runPeak.stop();
      appCpuMs = cpuMs(appPid) - cpuBefore;
      const framesAfter = await sessionFrames(platform.workerUrl, sessionId);
      // A session process restarted meanwhile starts its counters again at zero: as
      // Prometheus's increase() does, a lower reading counts from zero.
      const increase = (before: number, after: number) =>
        after >= before ? after - before : after;
      frames = {
        rendered: increase(framesBefore.rendered, framesAfter.rendered),
        dropped: increase(framesBefore.dropped, framesAfter.dropped),
      };
    } finally {
      for (const agent of agents) agent.destroy();
    }
    await settle();
    const rssAfter = rssMb(appPid);
    const gcAfter = await memoryAfterFullGc(appPid);
    const samplesFile = stringOption('samples');
    if (samplesFile) fs.writeFileSync(samplesFile, JSON.stringify(samples));
    await platform.api('DELETE', `/api/v1/sessions/${sessionId}`);
    return {
      ...figures(samples, { rssBefore, rssAfter, load1m, seconds, appCpuMs }),
      // The most the app held while under the load, in the warm-up's minute and the run's: the
      // settled readings above move with when V8 last gave heap back (569-675 MB after the
      // same warm-up in four runs of 2026-12-07); the working set under the same load does
      // not, unless it leaks.
      app_rss_peak_warmup_mb: rssPeakBefore,
      app_rss_peak_run_mb: rssPeakAfter,
      app_rss_peak_growth_pct: growthPct(rssPeakBefore, rssPeakAfter),
      // The same two moments right after a full collection of the app's main-thread heap.
      app_heap_gc_before_mb: gcBefore.heapUsedMb,
      app_heap_gc_after_mb: gcAfter.heapUsedMb,
      app_heap_gc_growth_pct: growthPct(gcBefore.heapUsedMb, gcAfter.heapUsedMb),
      app_external_gc_before_mb: gcBefore.externalMb,
      app_external_gc_after_mb: gcAfter.externalMb,
      app_rss_gc_before_mb: gcBefore.rssMb,
      app_rss_gc_after_mb: gcAfter.rssMb,
      app_rss_gc_growth_pct: growthPct(gcBefore.rssMb, gcAfter.rssMb),
      // The avatar every token and message call goes to, while the API is under load.
      shared_session_fps: round(frames.rendered / seconds, 1),
      shared_session_frames_dropped: frames.dropped,
    };
  } finally {
    await platform.stop();
  }
}

function figures(
  samples: Sample[],
  context: {
    rssBefore: number;
    rssAfter: number;
    load1m: number;
    seconds: number;
    appCpuMs: number;
  },
): Record<string, number | string> {
  const refused = (status: number) => samples.filter((s) => s.status === status).length;
  const documented = new Set([429, 503, 409]);
  const errors = samples.filter(
    (s) => !(s.status >= 200 && s.status < 300) && !documented.has(s.status),
  );
  const perKind = Object.fromEntries(
    (['list', 'token', 'message', 'booking', 'session'] as Kind[]).flatMap((kind) => {
      const ms = samples.filter((s) => s.kind === kind).map((s) => s.ms);
      return [
        [`${kind}_p50_ms`, percentileMs(ms, 50) ?? -1],
        [`${kind}_p99_ms`, percentileMs(ms, 99) ?? -1],
      ];
    }),
  );
  const all = samples.map((s) => s.ms);
  const accepted = samples.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.ms);
  return {
    requests: samples.length,
    requests_per_s: round(samples.length / context.seconds, 1),
    p50_ms: percentileMs(all, 50) ?? -1,
    p99_ms: percentileMs(all, 99) ?? -1,
    accepted: accepted.length,
    accepted_p50_ms: percentileMs(accepted, 50) ?? -1,
    accepted_p99_ms: percentileMs(accepted, 99) ?? -1,
    errors: errors.length,
    error_statuses: [...new Set(errors.map((e) => e.status))].sort().join(' ') || 'none',
    refused_429: refused(429),
    refused_503: refused(503),
    refused_busy: samples.filter((s) => s.busy).length,
    refused_409: refused(409),
    ...perKind,
    app_cpu_ms_per_request: round(context.appCpuMs / Math.max(1, samples.length), 2),
    app_cpu_pct: round((context.appCpuMs / (context.seconds * 1000)) * 100, 1),
    app_rss_before_mb: context.rssBefore,
    app_rss_after_mb: context.rssAfter,
    app_rss_growth_pct: round(
      ((context.rssAfter - context.rssBefore) / context.rssBefore) * 100,
      1,
    ),
    load_1m: round(context.load1m),
  };
}

interface RunOptions {
  /** One per client: its keep-alive connection. */
  agents: http.Agent[];
  durationMs: number;
  avatarId: string;
  sessionId: string;
  /** Stop each client after this many calls (warm-up) instead of after durationMs. */
  rounds?: number;
  /** The calls a client takes in turn (default: the whole MIX). */
  mix?: Kind[];
}

async function runClients(platform: Platform, options: RunOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const startedAt = performance.now();
  const endAt = startedAt + options.durationMs;
  await Promise.all(
    options.agents.map(async (agent, client) => {
      const call = async (kind: Kind, method: string, route: string, body?: unknown) => {
        const sentAt = performance.now();
        // A reset or refused connection is an error of the run (status 0), not a crash.
        const response = await apiRequest(platform, agent, method, route, body).catch(() => ({
          status: 0,
          body: null,
        }));
        const message = (response.body as { error?: { message?: string } } | null)?.error?.message;
        samples.push({
          kind,
          route: `${method} ${route}`,
          at: Math.round(sentAt - startedAt),
          ms: performance.now() - sentAt,
          status: response.status,
          ...(response.status === 503 && message?.startsWith('The server is busy')
            ? { busy: true }
            : {}),
        });
        // Told to come back later: wait as asked (not past the end of the run).
        const retryAfterS = (response as ApiResponse).retryAfterS;
        if ((response.status === 429 || response.status === 503) && retryAfterS !== undefined) {
          const waitMs = Math.min(retryAfterS * 1000, endAt - performance.now());
          if (options.rounds === undefined && waitMs > 0) await sleep(waitMs);
        }
        return response;
      };
      for (let n = 0; ; n++) {
        if (options.rounds !== undefined ? n >= options.rounds : performance.now() >= endAt) break;
        const mix = options.mix ?? MIX;
        const kind = mix[(client + n) % mix.length]!;
        await step(kind, { call, client, n, ...options });
      }
    }),
  );
  return samples;
}

type Call = (kind: Kind, method: string, route: string, body?: unknown) => Promise<ApiResponse>;

async function step(
  kind: Kind,
  context: { call: Call; client: number; n: number; avatarId: string; sessionId: string },
): Promise<void> {
  const { call, client, n, avatarId, sessionId } = context;
  switch (kind) {
    case 'list': {
      const routes = ['/api/v1/avatars', '/api/v1/sessions', '/api/v1/bookings'];
      await call(kind, 'GET', routes[n % routes.length]!);
      return;
    }
    case 'token':
      await call(kind, 'POST', `/api/v1/sessions/${sessionId}/tokens`, {});
      return;
    case 'message':
      await call(kind, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        text: `Client ${client} says hello, number ${n}.`,
      });
      return;
    case 'booking': {
      // Half an hour somewhere in the next weeks, 60-90 days ahead: far from the session.
      const start = Date.now() + 60 * DAY_MS + ((client * 7919 + n * 104_729) % 30) * DAY_MS;
      const startsAt = new Date(Math.floor(start / 1_800_000) * 1_800_000);
      const made = await call(kind, 'POST', '/api/v1/bookings', {
        avatarId,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 1_800_000).toISOString(),
        kind: 'private',
      });
      const id = (made.body as { id?: string } | null)?.id;
      if (made.status === 201 && id) await call(kind, 'DELETE', `/api/v1/bookings/${id}`);
      return;
    }
    case 'session': {
      const made = await call(kind, 'POST', '/api/v1/sessions', { avatarId });
      const id = (made.body as { id?: string } | null)?.id;
      if (made.status === 201 && id) await call(kind, 'DELETE', `/api/v1/sessions/${id}`);
      return;
    }
  }
}

/**
 * The app server process of this platform (scripts/app-server.mjs, which runs Next.js in
 * itself; its environment names the data directory).
 */
function nextServerPid(dataDir: string): number {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('scripts/app-server.mjs')) continue;
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`FACECAST_DATA_DIR=${dataDir}`)) return Number(entry);
    } catch {
      // the process ended or is not ours to read
    }
  }
  throw new Error(`no app-server.mjs process with FACECAST_DATA_DIR=${dataDir}`);
}

/**
 * `--pin`: the app (and anything it starts) on CPU 0 alone; the worker host with every session
 * process it has or will fork, LiveKit and this benchmark's clients on the other cores. With
 * `taskset` (util-linux), on a machine of two or more cores.
 */
function pinAppAlone(platform: Platform, appPid: number): void {
  const cores = os.availableParallelism();
  if (cores < 2) throw new Error('--pin needs two or more cores');
  const pin = (cpus: string, pid: number) => {
    try {
      execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
    } catch (error) {
      // A process that ended meanwhile has nothing to pin; anything else is a failed run.
      if (fs.existsSync(`/proc/${pid}`)) throw error;
    }
  };
  const rest = `1-${cores - 1}`;
  for (const pid of [
    ...processTree(platform.pid('worker')),
    ...processTree(platform.pid('livekit')),
    process.pid,
  ])
    pin(rest, pid);
  for (const pid of processTree(appPid)) pin('0', pid);
}

/** Frames the session rendered and dropped so far (the worker host's Prometheus counters). */
async function sessionFrames(
  workerUrl: string,
  sessionId: string,
): Promise<{ rendered: number; dropped: number }> {
  const text = await (await fetch(`${workerUrl}/metrics`)).text();
  const counter = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{session="${sessionId}"}`));
    if (!line) throw new Error(`the worker host's /metrics has no ${name} for ${sessionId}`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return {
    rendered: counter('facecast_session_frames_rendered_total'),
    dropped: counter('facecast_session_frames_dropped_total'),
  };
}

/** CPU time the process has used so far (user and system), from /proc/PID/stat. */
function cpuMs(pid: number): number {
  const { ticks } = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (ticks * 1000) / clockTicksPerSecond();
}

/** The app's highest resident memory from now until `stop()`, read twice a second. */
function rssPeak(pid: number): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMb(pid));
    },
  };
}

function rssMb(pid: number): number {
  const bytes = kilobyteField(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  if (bytes === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round(bytes / 1024 / 1024);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets the app finish background work (sessions ending, garbage) before a memory reading. */
const growthPct = (before: number, after: number) => round(((after - before) / before) * 100, 1);

const settle = () => new Promise((resolve) => setTimeout(resolve, 30_000));
