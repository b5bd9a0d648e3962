/**
 * The worker host (`npm run worker`): serves the session API and supervises one child
 * process per avatar session. It owns shutdown: on SIGTERM/SIGINT it stops accepting work,
 * asks every session to stop, and kills whatever misses the deadline.
 */
import { loadWorkerEnv } from './env';
import { createHttpApi } from './host/http-api';
import { SessionSupervisor } from './host/session-supervisor';
import { createLogger } from './log';

const env = loadWorkerEnv();
const log = createLogger({ name: 'worker', level: env.LOG_LEVEL });

const supervisor = new SessionSupervisor({
  capacity: env.WORKER_MAX_SESSIONS,
  livekit: { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET },
  log,
  logLevel: env.LOG_LEVEL,
});
const server = createHttpApi({ supervisor, secret: env.WORKER_SECRET, log });

server.on('error', (error) => {
  log.fatal(
    { err: error, host: env.WORKER_HOST, port: env.WORKER_PORT },
    'worker API failed to listen',
  );
  process.exit(1);
});
server.listen(env.WORKER_PORT, env.WORKER_HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.WORKER_PORT;
  log.info(
    {
      hostId: supervisor.hostId,
      host: env.WORKER_HOST,
      port,
      capacity: supervisor.capacity,
      livekitUrl: env.LIVEKIT_URL,
    },
    'worker host listening',
  );
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal, active: supervisor.active }, 'worker host shutting down');
  server.close();
  server.closeAllConnections();
  await supervisor.shutdown();
  log.info('worker host stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
