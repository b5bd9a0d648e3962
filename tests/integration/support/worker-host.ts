/** Runs the real worker host (`worker/main.ts` through tsx) as a child process. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, waitUntil } from './ports';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

export interface WorkerHost {
  baseUrl: string;
  secret: string;
  output(): string;
  /** Fetches a host API path with the worker secret. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, then waits; returns the exit code. */
  stop(): Promise<number | null>;
  /** The host process's pid. */
  pid: number;
  /** Sends a signal (e.g. SIGKILL: the host dies; its session processes notice and exit). */
  kill(signal: NodeJS.Signals): void;
  /**
   * Sends a signal to the host's whole process group, as a service manager or `npm start`
   * does (needs `ownProcessGroup`).
   */
  killGroup(signal: NodeJS.Signals): void;
  /** Resolves with the exit code once the host has exited. */
  exited: Promise<number | null>;
}

export async function startWorkerHost(options: {
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  maxSessions?: number;
  /** Shared with the app (or a report endpoint); generated when absent. */
  secret?: string;
  /** Where the host reports (FACECAST_APP_URL); nowhere reachable when absent. */
  appUrl?: string;
  env?: Record<string, string>;
  /** Runs the host as the leader of a process group of its own (its children join it). */
  ownProcessGroup?: boolean;
}): Promise<WorkerHost> {
  const port = await freeTcpPort();
  const secret = options.secret ?? `test-worker-secret-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, ['--import', TSX_LOADER, 'worker/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LIVEKIT_URL: options.livekitUrl,
      LIVEKIT_API_KEY: options.apiKey,
      LIVEKIT_API_SECRET: options.apiSecret,
      WORKER_PORT: String(port),
      WORKER_HOST: '127.0.0.1',
      WORKER_SECRET: secret,
      FACECAST_APP_URL: options.appUrl ?? 'http://127.0.0.1:9',
      WORKER_MAX_SESSIONS: String(options.maxSessions ?? 2),
      // Tests end sessions themselves; a stop should not wait for a drain.
      WORKER_DRAIN_SECONDS: '1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-500_000);
    if (process.env.WORKER_LOGS === '1') process.stderr.write(chunk);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );

  const baseUrl = `http://127.0.0.1:${port}`;
  const host: WorkerHost = {
    baseUrl,
    secret,
    output: () => output,
    request: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      }),
    pid: child.pid ?? 0,
    kill: (signal) => void child.kill(signal),
    killGroup: (signal) => {
      if (!options.ownProcessGroup) throw new Error('killGroup needs ownProcessGroup: true');
      process.kill(-(child.pid ?? 0), signal);
    },
    exited,
    stop: async () => {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return exitCode ?? null;
    },
  };
  try {
    await waitUntil(
      async () => {
        if (exitCode !== undefined) throw new Error('exited');
        return (await fetch(`${baseUrl}/health`)).ok;
      },
      20_000,
      'worker host health',
    );
  } catch (error) {
    await host.stop();
    throw new Error(`worker host did not start: ${String(error)}\n${output.slice(-4000)}`);
  }
  return host;
}
