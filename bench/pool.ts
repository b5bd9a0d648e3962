/**
 * Worker pool benchmark: the whole platform (LiveKit, app, one worker host) inside a private
 * network namespace, sessions of the demo avatar started through the public API, one real
 * @livekit/rtc-node viewer per session. Measures max sessions at 25 fps, time to first frame
 * with prewarm, PSS per extra session of the same avatar (frame store held once) and recovery
 * after kill -9 of a session process. `--max-sessions N` sets WORKER_MAX_SESSIONS.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { dispose } from '@livekit/rtc-node';
import {
  insideTestNamespace,
  namespaceInvocation,
  namespaceSupport,
} from '@/scripts/lib/netns.mjs';
import {
  findWorkerHostPid,
  hostClient,
  mappedFilesUnder,
  processTree,
  pssBytes,
  storeMemory,
  type HostClient,
} from './pool-host';
import { startPlatform, type ApiClient, type Platform } from './pool-platform';
import { joinViewer, type PoolViewer } from './pool-viewer';
import { percentile, round } from './stats';

const MEASURE_MS = 10_000;
const SETTLE_MS = 3_000;
const MIN_FPS = 24;
const MAX_DROPPED = 0.01;
const TTFF_STARTS = 10;
const RECOVERY_KILLS = 3;
const MB = 2 ** 20;
const SPEECH =
  'Welcome to the museum. This gallery holds paintings from four centuries, and each of them ' +
  'has a story worth hearing. Take your time, look closely, and ask me anything you like.';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Figures = Record<string, number | string | null>;

interface LiveSession {
  id: string;
  room: string;
  viewer: PoolViewer;
  /** Stops the keep-speaking loop. */
  quiet(): void;
}

function maxSessionsArg(): string | undefined {
  const at = process.argv.indexOf('--max-sessions');
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (!value || !/^[1-9]\d*$/.test(value))
    throw new Error('--max-sessions needs a positive whole number, e.g. --max-sessions 8');
  return value;
}

/** Runs this benchmark again inside a network namespace and returns its JSON figures. */
function runInNamespace(): Figures {
  const support = namespaceSupport();
  if (!support.ok)
    throw new Error(`the pool benchmark needs a network namespace: ${support.reason}`);
  const max = maxSessionsArg();
  const { command, args } = namespaceInvocation(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', 'pool', '--json', ...(max ? ['--max-sessions', max] : [])],
    support,
  );
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{'))
    throw new Error(`benchmark failed:\n${result.stdout}`);
  const { bench: _b, machine: _m, node: _n, ...figures } = JSON.parse(last) as Figures;
  return figures;
}

export async function poolBench(): Promise<Figures> {
  if (!insideTestNamespace()) return runInNamespace();
  const max = maxSessionsArg();
  const platform = await startPlatform(max ? { WORKER_MAX_SESSIONS: max } : {});
  const progress = (message: string) => process.stderr.write(`pool: ${message}\n`);
  progress(`platform up (data ${platform.dataDir}, log ${platform.logFile})`);
  try {
    const host = hostClient(platform.workerUrl, platform.workerSecret);
    const avatarId = await demoAvatarId(platform.api);
    const capacity = await host.metricSum('facecast_sessions_capacity');
    progress(`demo avatar ${avatarId}, host capacity ${capacity}`);
    const scale = await maxSessions(platform, host, avatarId, progress);
    const ttff = await timeToFirstFrame(platform, host, avatarId, progress);
    const recovery = await recoveryTimes(platform, host, avatarId, progress);
    ttff.sort((a, b) => a - b);
    recovery.sort((a, b) => a - b);
    return {
      host_capacity: capacity,
      ...scale,
      ttff_p50_ms: Math.round(percentile(ttff, 50)),
      ttff_p95_ms: Math.round(percentile(ttff, 95)),
      ttff_samples_ms: ttff.map(Math.round).join(' '),
      recovery_ms: recovery.length ? Math.round(percentile(recovery, 50)) : null,
      recovery_samples_ms: recovery.map(Math.round).join(' '),
      load_average: os
        .loadavg()
        .map((l) => round(l, 2))
        .join(' '),
    };
  } finally {
    await platform.stop();
    await dispose();
  }
}

async function demoAvatarId(api: ApiClient): Promise<string> {
  const { status, body } = await api('GET', '/api/v1/avatars');
  const avatars = (body as { avatars?: Array<{ id: string; status: string }> }).avatars ?? [];
  const ready = avatars.find((avatar) => avatar.status === 'ready');
  if (status !== 200 || !ready)
    throw new Error(
      `no ready demo avatar (GET /api/v1/avatars ${status}: ${JSON.stringify(body)})`,
    );
  return ready.id;
}

/** POST /api/v1/sessions (wait:false): the session, or 'full' on 503. */
async function startSession(
  platform: Platform,
  avatarId: string,
): Promise<{ id: string; room: string; postedAtMs: number; answeredAtMs: number } | 'full'> {
  const postedAtMs = performance.now();
  const { status, body } = await platform.api('POST', '/api/v1/sessions', {
    avatarId,
    wait: false,
  });
  if (status === 503) return 'full';
  if (status !== 201) throw new Error(`POST /api/v1/sessions: ${status} ${JSON.stringify(body)}`);
  const session = body as { id: string; room: string };
  return { ...session, postedAtMs, answeredAtMs: performance.now() };
}

async function watch(platform: Platform, sessionId: string): Promise<PoolViewer> {
  const { status, body } = await platform.api('POST', `/api/v1/sessions/${sessionId}/tokens`);
  if (status !== 200) throw new Error(`viewer token: ${status} ${JSON.stringify(body)}`);
  const grant = body as { livekitUrl: string; token: string };
  return joinViewer({ url: grant.livekitUrl, token: grant.token });
}

/** Keeps the avatar talking: speaks again whenever it has been quiet for 600 ms. */
function keepSpeaking(platform: Platform, id: string, viewer: PoolViewer): () => void {
  let stopped = false;
  let sentAtMs = 0;
  void (async () => {
    while (!stopped) {
      const now = performance.now();
      if (now - Math.max(viewer.lastSpeechMs(), sentAtMs) > 600 && now - sentAtMs > 2_000) {
        sentAtMs = now;
        await platform.api('POST', `/api/v1/sessions/${id}/speak`, { text: SPEECH });
      }
      await sleep(200);
    }
  })().catch(() => undefined);
  return () => (stopped = true);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

async function endSession(platform: Platform, session: LiveSession): Promise<void> {
  session.quiet();
  await session.viewer.leave();
  await platform.api('DELETE', `/api/v1/sessions/${session.id}`);
}

async function maxSessions(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: (message: string) => void,
): Promise<Figures> {
  const sessions: LiveSession[] = [];
  let best = 0;
  let stoppedBy = 'not stopped';
  let pss1 = 0;
  let last: {
    n: number;
    pss: number;
    store: Awaited<ReturnType<typeof storeMemory>> | null;
  } | null = null;
  const rows: string[] = [];
  try {
    for (;;) {
      const started = await startSession(platform, avatarId);
      if (started === 'full') {
        stoppedBy = `503 at ${sessions.length + 1} (host capacity)`;
        break;
      }
      const viewer = await watch(platform, started.id);
      sessions.push({ ...started, viewer, quiet: keepSpeaking(platform, started.id, viewer) });
      await waitFor(() => viewer.frameTimesMs.length > 0, 30_000, 'first frame of a new session');
      await sleep(SETTLE_MS);
      const rendered0 = await host.metricSum('facecast_session_frames_rendered_total');
      const dropped0 = await host.metricSum('facecast_session_frames_dropped_total');
      const from = performance.now();
      await sleep(MEASURE_MS);
      const to = performance.now();
      const rendered = (await host.metricSum('facecast_session_frames_rendered_total')) - rendered0;
      const dropped = (await host.metricSum('facecast_session_frames_dropped_total')) - dropped0;
      const fps = sessions.map((s) => s.viewer.framesBetween(from, to) / ((to - from) / 1000));
      const minFps = Math.min(...fps);
      const droppedRatio = rendered > 0 ? dropped / rendered : 1;
      const n = sessions.length;
      const tree = processTree(findWorkerHostPid());
      const pss = pssBytes(tree);
      if (n === 1) pss1 = pss;
      const storeFile = tree.flatMap((pid) => mappedFilesUnder(pid, platform.dataDir))[0];
      last = { n, pss, store: storeFile ? await storeMemory(storeFile, tree) : null };
      const row =
        `n=${n} min_fps=${round(minFps, 1)} fps=[${fps.map((f) => round(f, 1)).join(',')}] ` +
        `dropped=${round(droppedRatio * 100, 2)}% pss=${round(pss / MB, 0)}MB ` +
        `load=${round(os.loadavg()[0]!, 2)}`;
      rows.push(row);
      progress(row);
      if (minFps < MIN_FPS || droppedRatio >= MAX_DROPPED) {
        stoppedBy = `n=${n}: min fps ${round(minFps, 1)}, dropped ${round(droppedRatio * 100, 2)} %`;
        break;
      }
      best = n;
    }
  } finally {
    for (const session of sessions) await endSession(platform, session).catch(() => undefined);
  }
  const store = last?.store;
  return {
    max_sessions_25fps: best,
    max_sessions_stopped_by: stoppedBy,
    max_sessions_steps: rows.join(' | '),
    pss_1_session_mb: round(pss1 / MB, 1),
    pss_n_sessions_mb: last ? round(last.pss / MB, 1) : null,
    pss_n: last?.n ?? null,
    pss_per_extra_session_mb:
      last && last.n > 1 ? round((last.pss - pss1) / (last.n - 1) / MB, 1) : null,
    frame_store_mb: store ? round(store.fileBytes / MB, 1) : null,
    frame_store_mappers: store?.mappers ?? null,
    frame_store_rss_sum_mb: store ? round(store.rssSumBytes / MB, 1) : null,
    frame_store_pss_sum_mb: store ? round(store.pssSumBytes / MB, 1) : null,
  };
}

async function timeToFirstFrame(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: (message: string) => void,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < TTFF_STARTS; i++) {
    await waitFor(
      async () => (await host.metricSum('facecast_processes_prewarmed')) >= 1,
      60_000,
      'the prewarm pool to refill',
    );
    const started = await startSession(platform, avatarId);
    if (started === 'full')
      throw new Error('time to first frame: the host refused a session (503)');
    const viewer = await watch(platform, started.id);
    await waitFor(() => viewer.frameTimesMs.length > 0, 30_000, 'first frame');
    samples.push(viewer.frameTimesMs[0]! - started.postedAtMs);
    progress(`ttff ${i + 1}: ${Math.round(samples[i]!)} ms`);
    await endSession(platform, { ...started, viewer, quiet: () => undefined });
    await waitFor(async () => (await host.sessions()).length === 0, 30_000, 'the session to end');
  }
  return samples;
}

async function recoveryTimes(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: (message: string) => void,
): Promise<number[]> {
  const started = await startSession(platform, avatarId);
  if (started === 'full') throw new Error('recovery: the host refused a session (503)');
  const viewer = await watch(platform, started.id);
  const session = { ...started, viewer, quiet: keepSpeaking(platform, started.id, viewer) };
  const samples: number[] = [];
  try {
    for (let i = 0; i < RECOVERY_KILLS; i++) {
      await waitFor(
        () => viewer.framesBetween(performance.now() - 1000, Infinity) > 20,
        30_000,
        'frames flowing',
      );
      const entry = (await host.sessions()).find((s) => s.roomName === started.room);
      if (!entry?.pid || entry.state !== 'running')
        throw new Error(`recovery: no running process for the session (${JSON.stringify(entry)})`);
      const killedAtMs = performance.now();
      process.kill(entry.pid, 'SIGKILL');
      // Frames stop, then resume: the first frame after a gap of > 300 ms.
      const seen = viewer.frameTimesMs.length;
      let resumedAtMs = 0;
      await waitFor(
        () => {
          const times = viewer.frameTimesMs;
          for (let k = Math.max(seen, 1); k < times.length; k++) {
            if (times[k]! - times[k - 1]! > 300 && times[k]! > killedAtMs) {
              resumedAtMs = times[k]!;
              return true;
            }
          }
          return false;
        },
        30_000,
        'frames after kill -9',
      );
      samples.push(resumedAtMs - killedAtMs);
      progress(`recovery ${i + 1}: ${Math.round(resumedAtMs - killedAtMs)} ms`);
      await sleep(5_000);
    }
  } finally {
    await endSession(platform, session).catch(() => undefined);
  }
  return samples;
}
