/**
 * Worker pool benchmark: the whole platform (LiveKit, app, one worker host) inside a private
 * network namespace, sessions of the demo avatar started through the public API, one real
 * @livekit/rtc-node viewer per session. Measures max sessions at 25 fps, time to first frame
 * with prewarm, PSS per extra session of the same avatar (frame store held once) and recovery
 * after kill -9 of a session process. `--max-sessions N` sets WORKER_MAX_SESSIONS.
 */
import os from 'node:os';
import { dispose } from '@livekit/rtc-node';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { cpuByRole, cpuSnapshot } from './pool-cpu';
import { hostClient, type HostClient } from './pool-host';
import { memoryPerSession } from './pool-memory';
import { demoAvatarId, startPlatform, type Platform } from './pool-platform';
import {
  endSession,
  firstFrame,
  sleep,
  startSession,
  startTalkingSession,
  waitFor,
  watch,
  type LiveSession,
} from './pool-session';
import { runBenchInNamespace } from './in-namespace';
import { loadAverages, percentile, round } from './stats';

const MEASURE_MS = 10_000;
const SETTLE_MS = 3_000;
const MIN_FPS = 24;
const MAX_DROPPED = 0.01;
const TTFF_STARTS = 10;
const RECOVERY_KILLS = 3;
/** After a kill, the session must still stream this long after it (ms). */
const ALIVE_CHECK_MS = 9_000;

type Figures = Record<string, number | string | null>;
type Progress = (message: string) => void;

function maxSessionsArg(): string | undefined {
  const at = process.argv.indexOf('--max-sessions');
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (!value || !/^[1-9]\d*$/.test(value))
    throw new Error('--max-sessions needs a positive whole number, e.g. --max-sessions 8');
  return value;
}

export async function poolBench(): Promise<Figures> {
  const max = maxSessionsArg();
  if (!insideTestNamespace())
    return runBenchInNamespace('pool', max ? ['--max-sessions', max] : []);
  const platform = await startPlatform(max ? { WORKER_MAX_SESSIONS: max } : {});
  const progress: Progress = (message) => process.stderr.write(`pool: ${message}\n`);
  progress(`platform up (data ${platform.dataDir}, log ${platform.logFile})`);
  try {
    const host = hostClient(platform.workerUrl, platform.workerSecret);
    const avatarId = await demoAvatarId(platform.api);
    const capacity = await host.metricSum('facecast_sessions_capacity');
    progress(`demo avatar ${avatarId}, host capacity ${capacity}`);
    const loadAtStart = os.loadavg()[0]!;
    const scale = await maxSessions(platform, host, avatarId, progress);
    const memory = await memoryPerSession({ platform, host, avatarId, capacity, progress });
    const ttff = await timeToFirstFrame(platform, host, avatarId, progress);
    const recovery = await recoveryTimes(platform, host, avatarId, progress);
    ttff.sort((a, b) => a - b);
    const recovered = recovery.flatMap((r) => (r.ms === null ? [] : [r.ms])).sort((a, b) => a - b);
    return {
      host_capacity: capacity,
      ...scale,
      ...memory,
      ttff_p50_ms: Math.round(percentile(ttff, 50)),
      ttff_p95_ms: Math.round(percentile(ttff, 95)),
      ttff_samples_ms: ttff.map(Math.round).join(' '),
      recovery_ms: recovered.length ? Math.round(percentile(recovered, 50)) : null,
      recovery_samples_ms: recovery
        .map((r) => (r.ms === null ? 'none' : Math.round(r.ms)))
        .join(' '),
      recovery_session_alive_9s_after: `${recovery.filter((r) => r.aliveAfter).length}/${recovery.length}`,
      recovery_restarts_per_kill: recovery.map((r) => r.restarts).join(' '),
      load_average_at_start: round(loadAtStart, 2),
      load_average: loadAverages(),
    };
  } finally {
    await platform.stop();
    await dispose();
  }
}

/** Adds talking sessions one by one; each step measures fps at every viewer and drops. */
async function maxSessions(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: Progress,
): Promise<Figures> {
  const sessions: LiveSession[] = [];
  let best = 0;
  let stoppedBy = '';
  const steps: string[] = [];
  try {
    for (;;) {
      const session = await startTalkingSession(platform, avatarId);
      if (session === 'full') {
        stoppedBy = `503 for session ${sessions.length + 1} (host capacity)`;
        break;
      }
      sessions.push(session);
      await firstFrame(session);
      await sleep(SETTLE_MS);
      const rendered0 = await host.metricSum('facecast_session_frames_rendered_total');
      const dropped0 = await host.metricSum('facecast_session_frames_dropped_total');
      const cpuBefore = cpuSnapshot();
      const from = performance.now();
      await sleep(MEASURE_MS);
      const to = performance.now();
      const cpu = cpuByRole(cpuBefore, cpuSnapshot());
      const rendered = (await host.metricSum('facecast_session_frames_rendered_total')) - rendered0;
      const dropped = (await host.metricSum('facecast_session_frames_dropped_total')) - dropped0;
      const fps = sessions.map((s) => s.viewer.framesBetween(from, to) / ((to - from) / 1000));
      const minFps = Math.min(...fps);
      const droppedRatio = rendered > 0 ? dropped / rendered : 1;
      const n = sessions.length;
      const step =
        `n=${n}: fps ${fps.map((f) => round(f, 1)).join('/')}, dropped ` +
        `${round(droppedRatio * 100, 2)} %, load ${round(os.loadavg()[0]!, 1)}; cpu: ${cpu}`;
      steps.push(step);
      progress(step);
      if (minFps < MIN_FPS || droppedRatio >= MAX_DROPPED) {
        stoppedBy = `n=${n} below target`;
        break;
      }
      best = n;
    }
  } finally {
    for (const session of sessions) await endSession(platform, session).catch(() => undefined);
  }
  return {
    max_sessions_25fps: best,
    max_sessions_stopped_by: stoppedBy,
    max_sessions_steps: steps.join(' | '),
  };
}

/** POST (wait:false) → first frame at a viewer joining right after the answer, prewarm full. */
async function timeToFirstFrame(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: Progress,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < TTFF_STARTS; i++) {
    await waitFor(async () => (await host.sessions()).length === 0, 30_000, 'an idle host');
    await waitFor(
      async () => (await host.metricSum('facecast_processes_prewarmed')) >= 1,
      60_000,
      'the prewarm pool to refill',
    );
    const started = await startSession(platform, avatarId);
    if (started === 'full')
      throw new Error('time to first frame: the host refused a session (503)');
    const session = { ...started, viewer: await watch(platform, started.id), quiet: () => {} };
    await firstFrame(session);
    samples.push(session.viewer.frameTimesMs[0]! - started.postedAtMs);
    progress(`first frame ${i + 1}: ${Math.round(samples[i]!)} ms`);
    await endSession(platform, session);
  }
  return samples;
}

/**
 * kill -9 of the session process → first frame of the restarted session's track at the viewer. Each try uses a
 * fresh session and checks that it still streams 9 s after the kill.
 */
export async function recoveryTimes(
  platform: Platform,
  host: HostClient,
  avatarId: string,
  progress: Progress,
  kills = RECOVERY_KILLS,
): Promise<Array<{ ms: number | null; aliveAfter: boolean; restarts: number }>> {
  const results: Array<{ ms: number | null; aliveAfter: boolean; restarts: number }> = [];
  for (let i = 0; i < kills; i++) {
    await waitFor(async () => (await host.sessions()).length === 0, 30_000, 'an idle host');
    const session = await startTalkingSession(platform, avatarId);
    if (session === 'full') throw new Error('recovery: the host refused a session (503)');
    const { viewer } = session;
    try {
      await firstFrame(session);
      await sleep(3_000);
      const entry = (await host.sessions()).find((s) => s.roomName === session.room);
      if (!entry?.pid || entry.state !== 'running')
        throw new Error(`recovery: no running process for the session (${JSON.stringify(entry)})`);
      const restarts0 = await host.metricSum('facecast_process_restarts_total');
      const killedAtMs = performance.now();
      process.kill(entry.pid, 'SIGKILL');
      // The restarted session publishes a new track: its first frame at the viewer.
      let resumedAtMs: number | null = null;
      await waitFor(
        () => {
          resumedAtMs = viewer.trackFirstFrameMs.find((t) => t > killedAtMs) ?? null;
          return resumedAtMs !== null;
        },
        15_000,
        'frames after kill -9',
      ).catch(() => undefined);
      // LiveKit ends the job ~1 s after the kill and a stop has a 5 s deadline: look at 9 s.
      await sleep(Math.max(0, killedAtMs + ALIVE_CHECK_MS - performance.now()));
      const aliveAfter = viewer.framesBetween(performance.now() - 1_000, Infinity) >= 20;
      // One kill should cost exactly one restart.
      const restarts = (await host.metricSum('facecast_process_restarts_total')) - restarts0;
      const ms = resumedAtMs === null ? null : resumedAtMs - killedAtMs;
      results.push({ ms, aliveAfter, restarts });
      progress(
        `recovery ${i + 1}: ${ms === null ? 'no frames' : `${Math.round(ms)} ms`}, streaming 9 s after the kill: ${aliveAfter}, restarts: ${restarts}`,
      );
    } finally {
      await endSession(platform, session).catch(() => undefined);
    }
  }
  return results;
}
