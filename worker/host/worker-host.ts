/**
 * One worker host put together: the process pool, the session supervisor, the HTTP API
 * (health, metrics, direct session control), and the room tokens it mints for its sessions.
 */
import os from 'node:os';
import type { Server } from 'node:http';
import type { WorkerEnv } from '../env';
import type { Logger } from '../log';
import { createHttpApi } from './http-api';
import { ProcessHandle } from './process-handle';
import { ProcessPool } from './process-pool';
import { SessionSupervisor } from './session-supervisor';
import { mintAvatarToken } from './session-token';

export interface WorkerHostOptions {
  env: WorkerEnv;
  log: Logger;
}

export interface RunningWorkerHost {
  readonly hostId: string;
  readonly port: number;
  readonly supervisor: SessionSupervisor;
  /** Drains (up to WORKER_DRAIN_SECONDS), stops what is left, closes everything. */
  shutdown(): Promise<void>;
}

const MB = 1024 * 1024;

export async function startWorkerHost(options: WorkerHostOptions): Promise<RunningWorkerHost> {
  const { env, log } = options;
  const hostId = env.WORKER_NAME ?? `${os.hostname()}-${process.pid}`;
  const capacity = env.WORKER_MAX_SESSIONS ?? os.availableParallelism();
  const memoryBudgetBytes = env.WORKER_MEMORY_LIMIT_MB * MB;

  const pool = new ProcessPool({
    prewarm: Math.min(env.WORKER_PREWARM, capacity),
    spawn: () =>
      ProcessHandle.spawn({
        log,
        logLevel: env.LOG_LEVEL,
        heartbeatTimeoutMs: env.WORKER_HEARTBEAT_TIMEOUT_MS,
      }),
    memoryOf: () => undefined,
    memoryBudgetBytes,
    log,
  });
  const supervisor = new SessionSupervisor({
    capacity,
    pool,
    log,
    join: async (request) => ({
      url: env.LIVEKIT_URL,
      token: await mintAvatarToken({
        apiKey: env.LIVEKIT_API_KEY,
        apiSecret: env.LIVEKIT_API_SECRET,
        roomName: request.roomName,
        name: request.avatar.name,
      }),
    }),
  });

  const server = createHttpApi({ supervisor, hostId, secret: env.WORKER_SECRET, log });
  const port = await listen(server, env.WORKER_PORT, env.WORKER_HOST);
  log.info(
    {
      hostId,
      host: env.WORKER_HOST,
      port,
      capacity,
      prewarm: env.WORKER_PREWARM,
      livekitUrl: env.LIVEKIT_URL,
    },
    'worker host listening',
  );
  void pool.start();

  return {
    hostId,
    port,
    supervisor,
    async shutdown() {
      const left = await supervisor.drain(env.WORKER_DRAIN_SECONDS * 1000);
      if (left.length > 0)
        log.info({ sessions: left.length }, 'drain deadline passed, stopping the rest');
      await supervisor.shutdown();
      await pool.close();
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
