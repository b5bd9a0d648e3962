/**
 * Faults benchmark (issue 14 §2): the whole platform in a private network namespace
 * (pool-platform.ts: LiveKit, the app, a worker host; a second worker host added here), faults
 * injected for real, recovery timed at a real viewer or through the public API:
 *
 * - `session_kill_frames_again_s`: kill -9 of a talking session's process → the first frame of
 *   the restarted session at its viewer (median of 3; the pool benchmark's recovery loop).
 * - `host_kill_resumed_s`: kill -9 of the worker host running a talking session → its first
 *   frame from the other host at the same viewer, in the same room.
 * - `app_kill_preparation_resumed_s`: the app SIGKILLed while it prepares a video avatar (the
 *   job writes the frame store), started again at once → the preparation running again;
 *   `app_kill_preparation_ready_s` → the avatar ready.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispose } from '@livekit/rtc-node';
import { makePortraitVideo } from '@/lib/testing/test-media';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import { runBenchInNamespace } from './in-namespace';
import { recoveryTimes } from './pool';
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

type Figures = Record<string, number | string | null>;
type Progress = (message: string) => void;

/** The second worker host: its name (WORKER_NAME) and port. */
const SECOND_HOST = { name: 'worker-b', port: 7891 };
/** Length of the uploaded clip, s: its preparation lasts long enough to be killed midway. */
const CLIP_SECONDS = 8;

export async function faultsBench(): Promise<Figures> {
  if (!insideTestNamespace()) return runBenchInNamespace('faults');
  const platform = await startPlatform({});
  const progress: Progress = (message) => process.stderr.write(`faults: ${message}\n`);
  progress(`platform up (data ${platform.dataDir}, log ${platform.logFile})`);
  try {
    const loadAtStart = os.loadavg()[0]!;
    const avatarId = await demoAvatarId(platform.api);
    const first = hostClient(platform.workerUrl, platform.workerSecret);

    const kills = await recoveryTimes(platform, first, avatarId, progress);
    const recovered = kills.flatMap((k) => (k.ms === null ? [] : [k.ms])).sort((a, b) => a - b);

    const secondUrl = await platform.addWorker(SECOND_HOST);
    const hosts = [
      { name: 'worker', client: first },
      { name: SECOND_HOST.name, client: hostClient(secondUrl, platform.workerSecret) },
    ];
    progress(`second worker host up at ${secondUrl}`);
    const hostKill = await hostKillResumed(platform, hosts, avatarId, progress);

    const appKill = await appKillPreparation(platform, progress);
    return {
      session_kill_frames_again_s: recovered.length
        ? round(percentile(recovered, 50) / 1000, 2)
        : null,
      session_kill_samples_s: kills
        .map((k) => (k.ms === null ? 'none' : round(k.ms / 1000, 2)))
        .join(' '),
      session_kill_streaming_9s_after: `${kills.filter((k) => k.aliveAfter).length}/${kills.length}`,
      ...hostKill,
      ...appKill,
      load_average_at_start: round(loadAtStart, 2),
      load_average: loadAverages(),
    };
  } finally {
    await platform.stop();
    await dispose();
  }
}

/**
 * A talking session on one of two hosts; kill -9 of that host → the session's first frame
 * from the other host at the same viewer (the app marks a host silent for 6 s lost and
 * dispatches its sessions again into their rooms).
 */
async function hostKillResumed(
  platform: Platform,
  hosts: Array<{ name: string; client: HostClient }>,
  avatarId: string,
  progress: Progress,
): Promise<Figures> {
  const session = await startTalkingSession(platform, avatarId);
  if (session === 'full') throw new Error('host kill: no host took the session (503)');
  try {
    await firstFrame(session);
    await sleep(3_000);
    const runsOn = async () => {
      for (const host of hosts) {
        const sessions = await host.client.sessions().catch(() => []);
        if (sessions.some((s) => s.roomName === session.room && s.state === 'running')) return host;
      }
      return undefined;
    };
    const victim = await runsOn();
    if (!victim) throw new Error('host kill: the session runs on neither host');
    const survivor = hosts.find((host) => host !== victim)!;
    const killedAtMs = performance.now();
    process.kill(platform.pid(victim.name), 'SIGKILL');
    progress(`killed worker host ${victim.name}`);
    const resumedAtMs = await framesAfter(session, killedAtMs, 30_000);
    const movedTo = await runsOn();
    const seconds = resumedAtMs === null ? null : round((resumedAtMs - killedAtMs) / 1000, 2);
    progress(
      `host kill: ${seconds === null ? 'no frames within 30 s' : `frames again after ${seconds} s`}, now on ${movedTo?.name ?? 'no host'}`,
    );
    return {
      host_kill_resumed_s: seconds,
      host_kill_moved: `${victim.name} → ${movedTo?.name ?? 'none'}`,
      host_kill_same_room: movedTo === survivor ? 'yes' : 'no',
    };
  } finally {
    await endSession(platform, session).catch(() => undefined);
  }
}

/** The first frame of a track published after `sinceMs` at the session's viewer, or null. */
async function framesAfter(
  session: LiveSession,
  sinceMs: number,
  timeoutMs: number,
): Promise<number | null> {
  let at: number | null = null;
  await waitFor(
    () => {
      at = session.viewer.trackFirstFrameMs.find((t) => t > sinceMs) ?? null;
      return at !== null;
    },
    timeoutMs,
    'frames after the kill',
  ).catch(() => undefined);
  return at;
}

interface AvatarView {
  id: string;
  status: 'preparing' | 'ready' | 'failed';
  progress: number;
  stage?: string;
  error?: string;
}

/**
 * Uploads a video avatar, SIGKILLs the app while the preparation job writes its frame store,
 * starts the app again at once and times the preparation running again and the avatar ready.
 */
async function appKillPreparation(platform: Platform, progress: Progress): Promise<Figures> {
  const clip = await makePortraitVideo({
    out: path.join(platform.dataDir, 'fault-clip.mp4'),
    format: 'mp4',
    seconds: CLIP_SECONDS,
  });
  const form = new FormData();
  form.set('name', 'Killed mid-preparation');
  form.set(
    'video',
    new Blob([new Uint8Array(fs.readFileSync(clip))], { type: 'video/mp4' }),
    'clip.mp4',
  );
  const created = await fetch(new URL('/api/v1/avatars', platform.appUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.apiKey}` },
    body: form,
  });
  if (created.status !== 201)
    throw new Error(`app kill: upload answered ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as AvatarView;
  const avatar = async () => {
    const { status, body } = await platform.api('GET', `/api/v1/avatars/${id}`);
    if (status !== 200) throw new Error(`GET avatar: ${status} ${JSON.stringify(body)}`);
    return body as AvatarView;
  };
  const storeDir = path.join(platform.dataDir, 'avatars', id, 'store');
  // The job's temp file in the store directory: it is writing the frames now.
  await waitFor(
    () => fs.existsSync(storeDir) && fs.readdirSync(storeDir).some((f) => f.endsWith('.tmp')),
    180_000,
    'the preparation job to write the frame store',
  );
  const before = await avatar();
  const killedAtMs = performance.now();
  process.kill(platform.pid('app'), 'SIGKILL');
  progress(`killed the app at ${before.progress} % (${before.stage ?? ''})`);
  await platform.restartApp();
  const upAtMs = performance.now();
  let view = await avatar();
  let resumedAtMs: number | null = null;
  await waitFor(
    async () => {
      view = await avatar();
      if (view.status === 'failed') throw new Error(`app kill: preparation failed: ${view.error}`);
      if (resumedAtMs === null && (view.progress > 0 || view.status === 'ready'))
        resumedAtMs = performance.now();
      return view.status === 'ready';
    },
    300_000,
    'the avatar to become ready after the restart',
  );
  const readyAtMs = performance.now();
  const leftovers = fs.readdirSync(storeDir).filter((f) => f.endsWith('.tmp'));
  progress(
    `app kill: up again after ${round((upAtMs - killedAtMs) / 1000, 2)} s, ready ${round((readyAtMs - upAtMs) / 1000, 2)} s later`,
  );
  return {
    app_kill_at_progress: before.progress,
    app_restart_s: round((upAtMs - killedAtMs) / 1000, 2),
    app_kill_preparation_resumed_s:
      resumedAtMs === null ? null : round((resumedAtMs - upAtMs) / 1000, 2),
    app_kill_preparation_ready_s: round((readyAtMs - upAtMs) / 1000, 2),
    app_kill_temp_files_left: leftovers.length,
  };
}
