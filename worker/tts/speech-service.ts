/**
 * The host side of the shared speech service: forks speech-service-main.ts once, waits for it
 * to listen, and forks it again whenever it exits while the host runs. Session processes
 * connect to its socket (speech-client.ts); a sentence caught by a restart fails and is
 * skipped, the next one reaches the new process.
 */
import { randomBytes } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../log';

const SERVICE_ENTRY = fileURLToPath(new URL('./speech-service-main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Pause before forking again after an exit, so a service that cannot start does not spin. */
const RESTART_DELAY_MS = 1_000;
const READY_TIMEOUT_MS = 15_000;

export interface SpeechServiceOptions {
  log: Logger;
  logLevel: string;
  /** Default: a socket in the temp directory named after this process. */
  socketPath?: string;
  /**
   * Synthesis threads in the service (default 1). One Flite thread speaks a ~3 s sentence in
   * ~75 ms, so it keeps ahead of dozens of sessions talking at once; each further thread
   * holds ~40-70 MB once it has spoken (pool bench: the service grew 126 → 165 MB with two).
   */
  threads?: number;
}

export interface SpeechService {
  /** Unix socket the session processes connect to (FACECAST_SPEECH_SOCKET). */
  readonly socketPath: string;
  /** Pid of the running service process (for memory figures), if one runs. */
  readonly pid: number | undefined;
  /** How many times the service was forked again after exiting. */
  readonly restarts: number;
  /**
   * From now on an exit is final: the host is stopping, and a service it forked again now
   * would have missed the SIGTERM its process group got. close() still stops a running one.
   */
  stopRestarting(): void;
  close(): Promise<void>;
}

export async function startSpeechService(options: SpeechServiceOptions): Promise<SpeechService> {
  const { log } = options;
  // Random, not just the pid: hosts in other PID namespaces (two stacks on one machine) share
  // /tmp and may have the same pid.
  const socketPath =
    options.socketPath ??
    path.join(os.tmpdir(), `facecast-speech-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const threads = options.threads ?? 1;
  let child: ChildProcess | undefined;
  let closed = false;
  /** False once the host is stopping: exits are no longer followed by a new fork. */
  let restarting = true;
  let restarts = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const spawn = (): Promise<void> => {
    const started = fork(SERVICE_ENTRY, [], {
      env: {
        ...process.env,
        FACECAST_SPEECH_SOCKET: socketPath,
        FACECAST_SPEECH_THREADS: String(threads),
        LOG_LEVEL: options.logLevel,
        NODE_ENV: process.env.NODE_ENV ?? 'production',
      },
      execArgv: ['--import', TSX_LOADER, '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    child = started;
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      if (closed) return;
      if (!restarting) {
        log.info({ code, signal }, 'speech service exited, not restarted: the host is stopping');
        return;
      }
      log.error({ code, signal }, 'speech service exited, restarting');
      restartTimer = setTimeout(() => {
        restarts++;
        spawn().catch((error: unknown) =>
          log.error({ err: error }, 'speech service restart failed'),
        );
      }, RESTART_DELAY_MS);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(new Error(`speech service not ready within ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      started.on('message', (message: unknown) => {
        if ((message as { case?: unknown } | null)?.case === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`speech service exited with code ${code} before it was ready`));
      });
    });
  };

  await spawn();
  log.info({ socketPath, threads, pid: child?.pid }, 'speech service started');

  return {
    socketPath,
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    stopRestarting() {
      restarting = false;
      clearTimeout(restartTimer);
    },
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const deadline = setTimeout(() => running.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(deadline);
    },
  };
}
