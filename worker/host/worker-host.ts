/**
 * One worker host put together: capacity (calibrated unless WORKER_MAX_SESSIONS is set), the
 * prewarmed process pool, the session supervisor, the avatar frame stores it verifies once
 * and shares, its registration with LiveKit as an agent worker (sessions arrive as agent
 * dispatches), its reports to the app, Prometheus metrics, and the HTTP API.
 */
import os from 'node:os';
import type { Server } from 'node:http';
import type { WorkerEnv } from '../env';
import { StoreRegistry } from '../frame-store/store-registry';
import type { Logger } from '../log';
import { decodeDispatchMetadata } from '../../protocol/dispatch-metadata';
import { AVATAR_IDENTITY } from '../../protocol/room-control';
import { AgentWorker } from './agent-worker';
import { ApiError } from './api-error';
import { AppChannel } from './app-channel';
import { AppReporter } from './app-reporter';
import { calibrateCapacity, type CapacityCalibration } from './calibrate-capacity';
import { buildHostReport, hostLoad, type FailedStart } from './host-report-builder';
import { HostMetrics } from './host-metrics';
import { assertPathsInDataDir } from './dispatch-paths';
import { createHttpApi } from './http-api';
import { ProcessHandle } from './process-handle';
import { ProcessPool } from './process-pool';
import { ProcStatsSampler, type ProcessStats } from './proc-stats';
import { SessionEventSender } from './session-event-sender';
import { SessionSupervisor } from './session-supervisor';
import { startSpeechService } from '../tts/speech-service';
import { mintAvatarToken } from './session-token';
import { livekitAnswers } from './livekit-probe';

export interface WorkerHostOptions {
  env: WorkerEnv;
  log: Logger;
}

export interface RunningWorkerHost {
  readonly hostId: string;
  readonly port: number;
  readonly supervisor: SessionSupervisor;
  /** Drains (up to WORKER_DRAIN_SECONDS), hands back what is left, closes everything. */
  shutdown(): Promise<void>;
}

const MB = 1024 * 1024;
/** A running session whose process is over this many times the budget restarts at once. */
const HARD_LIMIT_FACTOR = 2;

export async function startWorkerHost(options: WorkerHostOptions): Promise<RunningWorkerHost> {
  const { env, log } = options;
  const hostId = env.WORKER_NAME ?? `${os.hostname()}-${process.pid}`;
  const cores = os.availableParallelism();
  let calibration: CapacityCalibration | undefined;
  if (env.WORKER_MAX_SESSIONS === undefined) {
    calibration = await calibrateCapacity({ cores });
    log.info(calibration, 'capacity calibrated');
  }
  const capacity = env.WORKER_MAX_SESSIONS ?? calibration?.maxSessions ?? cores;
  const memoryBudgetBytes = env.WORKER_MEMORY_LIMIT_MB * MB;

  const metrics = new HostMetrics();
  const sampler = new ProcStatsSampler();
  let latest = new Map<number, ProcessStats>();
  const memoryOf = (pid: number) => {
    const stats = latest.get(pid);
    return stats ? (stats.pssBytes ?? stats.rssBytes) : undefined;
  };
  const stores = new StoreRegistry();
  const failedStarts: FailedStart[] = [];
  let restarts = 0;

  // One Flite for all sessions of this host instead of one per session process (decision 007).
  const speech = await startSpeechService({ log, logLevel: env.LOG_LEVEL });

  const pool = new ProcessPool({
    prewarm: Math.min(env.WORKER_PREWARM, capacity),
    spawn: () =>
      ProcessHandle.spawn({
        log,
        logLevel: env.LOG_LEVEL,
        env: { FACECAST_SPEECH_SOCKET: speech.socketPath },
        heartbeatTimeoutMs: env.WORKER_HEARTBEAT_TIMEOUT_MS,
      }),
    memoryOf,
    memoryBudgetBytes,
    log,
  });

  // Declared before the supervisor's callbacks run (they only run after start-up).
  let agent: AgentWorker | undefined = undefined;
  let reporter: AppReporter | undefined = undefined;
  const statusChanged = () => {
    reporter?.soon();
    agent?.updateStatus({
      load: hostLoad(supervisor.active, capacity),
      full: !supervisor.hasRoom,
      jobCount: supervisor.active,
    });
  };

  // Conversation events of this host's sessions go to the app as they happen. Reports and
  // session events each go one call at a time per app instance (app-channel.ts), each on its
  // own kept connection: a slow batch of events never holds up the report that tells the app
  // this host is alive.
  const events = new SessionEventSender({
    appUrls: env.FACECAST_APP_URL,
    workerSecret: env.WORKER_SECRET,
    log,
    channel: new AppChannel(),
  });
  const supervisor = new SessionSupervisor({
    capacity,
    pool,
    log,
    // An agent's face joins the agent's room with the agent's token; others, this
    // installation's room with a token minted here.
    join: async (request) => ({
      url: request.agent?.livekitUrl ?? env.LIVEKIT_URL,
      videoCodec: env.WORKER_VIDEO_CODEC,
      token:
        request.agent?.token ??
        (await mintAvatarToken({
          apiKey: env.LIVEKIT_API_KEY,
          apiSecret: env.LIVEKIT_API_SECRET,
          roomName: request.roomName,
          name: request.avatar.name,
        })),
    }),
    // A session the server dropped rejoins once its server answers again.
    serverAnswers: (request) => livekitAnswers(request.agent?.livekitUrl ?? env.LIVEKIT_URL),
    prepare: async (request) => {
      const store = request.avatar.store;
      if (!store) return () => undefined;
      const lease = await stores.acquire(store);
      return () => lease.release();
    },
    onStats: (stats) =>
      metrics.recordSessionStats(stats.sessionId, {
        framesRendered: stats.framesRendered,
        framesDropped: stats.framesDropped,
        renderMs: stats.renderMs,
        fps: supervisor.get(stats.sessionId)?.fps ?? 0,
      }),
    onEvent: ({ sessionId, at, event }) => events.add(sessionId, event, at),
    onRestart: (reason) => {
      restarts++;
      metrics.countRestart(reason);
    },
    onSessionEnded: (summary, reason) => {
      metrics.forgetSession(summary.sessionId);
      if (summary.jobId) {
        const failed = reason.startsWith('handed back');
        agent?.jobStatus(summary.jobId, failed ? 'failed' : 'success', failed ? reason : undefined);
      }
    },
    onChange: statusChanged,
  });

  /** Samples every process of the host (memory checks, metrics and reports use it). */
  const sample = async () => {
    const sessionProcs = supervisor.processes();
    const idle = pool.idlePids;
    const speechPid = speech.pid;
    const speechProcs =
      speechPid === undefined ? [] : [{ pid: speechPid, role: 'speech' as const }];
    latest = await sampler.sample([
      process.pid,
      ...sessionProcs.map((p) => p.pid),
      ...idle,
      ...speechProcs.map((p) => p.pid),
    ]);
    metrics.setProcesses(
      [
        { pid: process.pid, role: 'host' as const },
        ...speechProcs,
        ...sessionProcs.map((p) => ({
          pid: p.pid,
          role: 'session' as const,
          sessionId: p.sessionId,
        })),
        ...idle.map((pid) => ({ pid, role: 'idle' as const })),
      ].flatMap((p) => {
        const stats = latest.get(p.pid);
        return stats
          ? [
              {
                ...p,
                cpuPercent: stats.cpuPercent,
                rssBytes: stats.rssBytes,
                ...(stats.pssBytes === undefined ? {} : { pssBytes: stats.pssBytes }),
              },
            ]
          : [];
      }),
    );
    metrics.setPool({
      active: supervisor.active,
      capacity,
      prewarmed: pool.idleCount,
      load: hostLoad(supervisor.active, capacity),
    });
    metrics.setStores(
      stores
        .stats()
        .map((s) => ({ store: s.path, mappedBytes: s.bytes, inUseBytes: s.residentBytes })),
    );
    return latest;
  };

  const server = createHttpApi({
    supervisor,
    hostId,
    secret: env.WORKER_SECRET,
    log,
    metrics: async () => {
      await sample();
      return { contentType: metrics.contentType, body: await metrics.metrics() };
    },
  });
  const port = await listen(server, env.WORKER_PORT, env.WORKER_HOST);
  const metricsUrl = `http://${env.WORKER_HOST}:${port}/metrics`;

  reporter = new AppReporter({
    appUrls: env.FACECAST_APP_URL,
    workerSecret: env.WORKER_SECRET,
    log,
    channel: new AppChannel(),
    // Runs every report interval whether or not the app answers: the memory check rides on it.
    build: async () => {
      const stats = await sample();
      supervisor.enforceMemoryLimit(memoryOf, memoryBudgetBytes * HARD_LIMIT_FACTOR);
      return buildHostReport({
        hostId,
        agentWorkerId: agent?.id,
        metricsUrl,
        capacity,
        cores,
        restarts: restarts + speech.restarts,
        draining: supervisor.draining,
        sessions: supervisor.list(),
        prewarmed: pool.idleCount,
        stats,
        handBack: supervisor.takeHandedBack(),
        failed: failedStarts.splice(0),
      });
    },
    onStop: (ids) => {
      for (const id of ids) void supervisor.stop(id, 'ended by the app');
    },
  });

  agent = new AgentWorker({
    url: env.LIVEKIT_URL,
    apiKey: env.LIVEKIT_API_KEY,
    apiSecret: env.LIVEKIT_API_SECRET,
    agentName: env.FACECAST_AGENT_NAME,
    hostId,
    log,
    onJobOffered: () =>
      supervisor.hasRoom
        ? { accept: true, identity: AVATAR_IDENTITY, name: 'Avatar' }
        : { accept: false },
    onJobAssigned: async (job) => {
      let sessionId: string | undefined;
      try {
        const request = decodeDispatchMetadata(job.metadata, env.WORKER_SECRET);
        sessionId = request.sessionId;
        if (request.roomName !== job.roomName)
          throw new Error('dispatch room and request room differ');
        assertPathsInDataDir(request, env.FACECAST_DATA_DIR);
        await supervisor.start(request, { jobId: job.id });
        agent?.jobStatus(job.id, 'running');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.error({ err: error, jobId: job.id, sessionId }, 'dispatched session failed to start');
        agent?.jobStatus(job.id, 'failed', message);
        // A session this host already runs (a duplicate dispatch) is not a failure to report.
        if (sessionId && !(error instanceof ApiError && error.code === 'conflict')) {
          failedStarts.push({
            sessionId,
            code:
              error instanceof ApiError && error.code === 'avatar_store_invalid'
                ? 'avatar_store_invalid'
                : 'start_failed',
            message: message.slice(0, 1_000),
          });
          reporter?.soon();
        }
      }
    },
    // LiveKit terminates a job when its room closes (the session ends by itself then) or when
    // the agent participant leaves it, which is what a crashed session process does just
    // before the host restarts it. Stopping on it would undo that restart; sessions the app
    // ends are stopped by the room's deletion and by the app's answer to our reports.
    onJobTerminated: (jobId) => {
      const session = supervisor.list().find((s) => s.jobId === jobId);
      log.debug({ jobId, sessionId: session?.sessionId }, 'LiveKit ended the job');
    },
  });

  const agentWorkerId = await agent.start();
  statusChanged();
  reporter.start();
  void pool.start();
  log.info(
    {
      hostId,
      agentWorkerId,
      agentName: env.FACECAST_AGENT_NAME,
      host: env.WORKER_HOST,
      port,
      capacity,
      prewarm: env.WORKER_PREWARM,
      livekitUrl: env.LIVEKIT_URL,
    },
    'worker host listening',
  );

  return {
    hostId,
    port,
    supervisor,
    async shutdown() {
      // A stopping host starts no child again: the SIGTERM that stops it usually went to its
      // whole process group, and a child forked after it would outlive the host's exit.
      speech.stopRestarting();
      pool.stopRefilling();
      // Take no more jobs, let running sessions finish, hand the rest back for re-dispatch.
      statusChanged();
      const left = await supervisor.drain(env.WORKER_DRAIN_SECONDS * 1000);
      if (left.length > 0)
        log.info({ sessions: left.length }, 'drain deadline passed, handing sessions back');
      await reporter?.close(() => supervisor.handBackAll(left));
      await agent?.close();
      await supervisor.shutdown();
      await events.close();
      await pool.close();
      await speech.close();
      stores.close();
      server.close();
      server.closeAllConnections();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
