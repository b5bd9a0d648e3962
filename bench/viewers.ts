/**
 * Viewers benchmark: the whole platform inside a private network namespace (as the pool
 * benchmark starts it), one talking session of the demo avatar, and subscribers joining its
 * room in steps (10, 25, 50, 75, 100, 125, 150; `--max-viewers N`) until the avatar's
 * published frame rate or any subscriber's received rate falls under 24 fps. The subscribers
 * are one Go program (bench/viewer-load) that counts frames from RTP headers and never
 * decodes, so the figure is the server's, not the viewers' decoders'. Tokens come from the
 * app (POST /api/v1/sessions/:id/tokens), the way a viewer gets one.
 */
import os from 'node:os';
import { dispose } from '@livekit/rtc-node';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { runBenchInNamespace } from './in-namespace';
import { startLoadSubscribers, type LoadSubscribers } from './load-subscribers';
import { cpuByRole, cpuSnapshot } from './pool-cpu';
import { hostClient, type HostClient } from './pool-host';
import { demoAvatarId, startPlatform, type Platform } from './pool-platform';
import {
  endSession,
  firstFrame,
  sleep,
  startTalkingSession,
  waitFor,
  type LiveSession,
} from './pool-session';
import { loadAverages, percentile, round } from './stats';
import { ensureViewerLoad } from './viewer-load-build';

const MIN_FPS = 24;
/** A gap between two frames longer than this at a subscriber is a freeze (ms). */
const FREEZE_MS = 200;
const SETTLE_MS = 3_000;
const MEASURE_MS = 10_000;
const DEFAULT_MAX_VIEWERS = 150;
const STEPS = [10, 25, 50, 75, 100, 125, 150];
/** Token requests to the app at once. */
const TOKEN_CONCURRENCY = 8;

type Figures = Record<string, number | string | null>;
type Progress = (message: string) => void;

function maxViewersArg(): number {
  const at = process.argv.indexOf('--max-viewers');
  if (at < 0) return DEFAULT_MAX_VIEWERS;
  const value = process.argv[at + 1];
  if (!value || !/^[1-9]\d*$/.test(value))
    throw new Error('--max-viewers needs a positive whole number, e.g. --max-viewers 100');
  return Number(value);
}

/** The steps up to `max`: the usual ones below it, then every 25 past 150, then `max`. */
export function viewerSteps(max: number): number[] {
  const steps = STEPS.filter((n) => n < max);
  for (let n = STEPS.at(-1)! + 25; n < max; n += 25) steps.push(n);
  steps.push(max);
  return steps;
}

export async function viewersBench(): Promise<Figures> {
  const max = maxViewersArg();
  const progress: Progress = (message) => process.stderr.write(`viewers: ${message}\n`);
  // Built outside the namespace: inside it, the Go module proxy cannot be reached.
  const binary = ensureViewerLoad({ log: progress });
  if (!insideTestNamespace()) return runBenchInNamespace('viewers', ['--max-viewers', String(max)]);
  const platform = await startPlatform({ FACECAST_TOKENS_PER_MINUTE: '100000' });
  progress(`platform up (data ${platform.dataDir}, log ${platform.logFile})`);
  let subscribers: LoadSubscribers | undefined;
  let session: LiveSession | 'full' | undefined;
  try {
    session = await startTalkingSession(platform, await demoAvatarId(platform.api));
    if (session === 'full') throw new Error('the host refused the session (503)');
    await firstFrame(session);
    const { viewer } = session;
    const host = hostClient(platform.workerUrl, platform.workerSecret);
    subscribers = startLoadSubscribers(binary, { freezeMs: FREEZE_MS, log: progress });
    const loadAtStart = os.loadavg()[0]!;
    const result = await climb({
      platform,
      host,
      sessionId: session.id,
      subscribers,
      referenceFps: (from, to) => viewer.framesBetween(from, to) / ((to - from) / 1000),
      steps: viewerSteps(max),
      progress,
    });
    return {
      ...result,
      max_viewers_cap: max,
      freeze_threshold_ms: FREEZE_MS,
      load_average_at_start: round(loadAtStart, 2),
      load_average: loadAverages(),
    };
  } finally {
    await subscribers?.stop().catch(() => undefined);
    if (session && session !== 'full') await endSession(platform, session).catch(() => undefined);
    await platform.stop();
    await dispose();
  }
}

interface ClimbOptions {
  platform: Platform;
  host: HostClient;
  sessionId: string;
  subscribers: LoadSubscribers;
  /** Frames a second at the benchmark's own decoding viewer (rtc-node) between two times. */
  referenceFps: (fromMs: number, toMs: number) => number;
  steps: number[];
  progress: Progress;
}

/** Adds subscribers step by step; measures every step; stops at the first one under 24 fps. */
async function climb(options: ClimbOptions): Promise<Figures> {
  const { platform, host, sessionId, subscribers, progress } = options;
  let maxViewers = 0;
  let maxWithoutFreezes = 0;
  let freezeFree = true;
  let atMax: { publishedFps: number; minFps: number; cpu: string } | null = null;
  let lastCpu = '';
  let stoppedBy = `reached the cap (${options.steps.at(-1)})`;
  const steps: string[] = [];
  for (const n of options.steps) {
    const joinFrom = subscribers.joinMs.length;
    subscribers.add(await viewerGrants(platform, sessionId, n - subscribers.count));
    try {
      await waitFor(
        () => subscribers.receiving() >= n || subscribers.failures.length > 0,
        30_000 + n * 500,
        `${n} subscribers receiving video`,
      );
    } catch (error) {
      stoppedBy = `n=${n}: ${(error as Error).message} (${subscribers.receiving()} receiving)`;
      break;
    }
    if (subscribers.failures.length > 0) {
      stoppedBy = `n=${n}: ${subscribers.failures.slice(0, 3).join('; ')}`;
      break;
    }
    await sleep(SETTLE_MS);
    const rendered0 = await host.metricSum('facecast_session_frames_rendered_total');
    const cpuBefore = cpuSnapshot();
    const fromMs = performance.now();
    const fromUnixMs = Date.now();
    await sleep(MEASURE_MS);
    const toMs = performance.now();
    const toUnixMs = Date.now();
    const cpu = cpuByRole(cpuBefore, cpuSnapshot());
    const publishedFps =
      ((await host.metricSum('facecast_session_frames_rendered_total')) - rendered0) /
      ((toMs - fromMs) / 1000);
    const referenceFps = options.referenceFps(fromMs, toMs);
    // The last stats line of the window arrives up to a second after it ends.
    await waitFor(() => subscribers.latestStatsMs() >= toUnixMs, 5_000, 'the stats line');
    const windows = subscribers.window(fromUnixMs, toUnixMs);
    const fps = windows.map((w) => w.fps).sort((a, b) => a - b);
    const minFps = fps[0] ?? 0;
    const freezes = windows.reduce((sum, w) => sum + w.freezes, 0);
    const frozen = windows.filter((w) => w.freezes > 0).length;
    const packets = windows.reduce((sum, w) => sum + w.packets, 0);
    const lost = windows.reduce((sum, w) => sum + w.lost, 0);
    const maxGapMs = Math.max(...windows.map((w) => w.maxGapMs));
    const worstSecond = Math.min(...windows.map((w) => w.worstSecondFps));
    const joins = subscribers.joinMs.slice(joinFrom).sort((a, b) => a - b);
    const held = publishedFps >= MIN_FPS && minFps >= MIN_FPS && windows.every((w) => w.connected);
    const step =
      `n=${n}: published ${round(publishedFps, 1)} fps, subscribers min ${round(minFps, 1)} ` +
      `p50 ${round(percentile(fps, 50), 1)} fps (worst 1 s ${round(worstSecond, 0)}), ` +
      `reference viewer ${round(referenceFps, 1)} fps, freezes ${freezes} at ${frozen} ` +
      `(max gap ${Math.round(maxGapMs)} ms), lost ${round((lost / Math.max(1, packets + lost)) * 100, 2)} %, ` +
      `join p50 ${Math.round(percentile(joins, 50))} ms, load ${round(os.loadavg()[0]!, 1)}; cpu: ${cpu}`;
    steps.push(
      `${n}: ${round(publishedFps, 1)}/${round(minFps, 1)} fps, ${freezes} freezes, load ${round(os.loadavg()[0]!, 1)}`,
    );
    lastCpu = cpu;
    progress(step);
    if (!held) {
      stoppedBy = `n=${n} below ${MIN_FPS} fps`;
      break;
    }
    maxViewers = n;
    atMax = { publishedFps, minFps, cpu };
    freezeFree &&= freezes === 0;
    if (freezeFree) maxWithoutFreezes = n;
  }
  return {
    max_viewers: maxViewers,
    max_viewers_without_freezes: maxWithoutFreezes,
    fps_at_max: atMax ? round(atMax.publishedFps, 1) : null,
    min_subscriber_fps_at_max: atMax ? round(atMax.minFps, 1) : null,
    stopped_by: stoppedBy,
    // n: published / lowest subscriber fps, freezes at all subscribers, load average (1 min).
    steps: steps.join(' | '),
    cpu_at_max: atMax?.cpu ?? null,
    cpu_at_last_step: lastCpu,
  };
}

/** Viewer tokens from the app, the way a viewer gets one (the owner's token route). */
async function viewerGrants(
  platform: Platform,
  sessionId: string,
  count: number,
): Promise<Array<{ url: string; token: string }>> {
  const grants: Array<{ url: string; token: string }> = [];
  const next = async (): Promise<void> => {
    while (grants.length + pending < count) {
      pending++;
      const { status, body } = await platform.api('POST', `/api/v1/sessions/${sessionId}/tokens`);
      pending--;
      if (status !== 200) throw new Error(`viewer token: ${status} ${JSON.stringify(body)}`);
      const grant = body as { livekitUrl: string; token: string };
      grants.push({ url: grant.livekitUrl, token: grant.token });
    }
  };
  let pending = 0;
  await Promise.all(Array.from({ length: Math.min(TOKEN_CONCURRENCY, count) }, next));
  return grants;
}
