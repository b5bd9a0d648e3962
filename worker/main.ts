/**
 * The worker host (`npm run worker`): a supervisor with a pool of session processes. It
 * owns shutdown: on SIGTERM/SIGINT it stops taking sessions, lets running ones finish up to
 * WORKER_DRAIN_SECONDS, hands the rest back for re-dispatch, and exits cleanly.
 */
import { loadWorkerEnv } from './env';
import { startWorkerHost } from './host/worker-host';
import { createLogger } from './log';

const env = loadWorkerEnv();
const log = createLogger({ name: 'worker', level: env.LOG_LEVEL });

const host = await startWorkerHost({ env, log }).catch((error: unknown) => {
  log.fatal({ err: error }, 'worker host failed to start');
  process.exit(1);
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'worker host shutting down');
  await host.shutdown();
  log.info('worker host stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
