/**
 * One session process seen from the host: fork, handshake, heartbeat, shutdown. It knows
 * nothing about sessions beyond sending and receiving messages, so a later prewarmed pool
 * can start handles ahead of time and hand them out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtEntryPath } from '../built-entry';
import type { Logger } from '../log';
import {
  HEARTBEAT_TIMEOUT_MS,
  PING_INTERVAL_MS,
  childMessageSchema,
  type ChildMessage,
  type ParentMessage,
} from '../ipc/ipc';

export const SESSION_ENTRY = fileURLToPath(new URL('../session/main.ts', import.meta.url));

/** The TypeScript session entry runs through tsx, resolved from here, not the cwd. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * V8 flags of session processes. A talking session's V8 young generation grew to ~40 MB of
 * heap pages (semi-spaces up to 16 MB each, in the main and the render thread's isolates);
 * capped at 1 MB a session process measured 76 MB PSS instead of 96 MB (worker-session
 * integration test, docs/decisions/008), at the same 25 fps: its per-frame garbage is small
 * and short-lived, so scavenges stay cheap.
 */
export const SESSION_V8_FLAGS = ['--max-semi-space-size=1'];

/**
 * What to fork: the bundled session entry when setup built it and it is fresh (plain
 * JavaScript, no tsx: ~28 MB PSS less per process, decision 008), else the TypeScript entry
 * through tsx (development, a bundle older than an edit). A test's own entry runs through tsx.
 */
export function sessionEntry(entry?: string): { modulePath: string; execArgv: string[] } {
  const built = entry === undefined ? builtEntryPath('session-main') : undefined;
  if (built) return { modulePath: built, execArgv: [...SESSION_V8_FLAGS] };
  return {
    modulePath: entry ?? SESSION_ENTRY,
    execArgv: [
      ...SESSION_V8_FLAGS,
      '--import',
      TSX_LOADER,
      '--disable-warning=ExperimentalWarning',
    ],
  };
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  log: Logger;
  /** Log level for the child. */
  logLevel: string;
  /** How long the child may take to boot and say `ready`. */
  readyTimeoutMs?: number;
  /** Extra environment for the child (e.g. FACECAST_SPEECH_SOCKET). */
  env?: Record<string, string>;
  /** Overrides for tests. */
  entry?: string;
  heartbeatTimeoutMs?: number;
}

type Listener = (message: ChildMessage) => void;

/** Which entry session processes run is logged once per host. */
let entryLogged = false;

export class ProcessHandle {
  private readonly listeners = new Set<Listener>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastPongMs = performance.now();
  private exitInfo: ProcessExit | undefined;
  private unresponsive = false;
  /** Resolves when the process has exited, for any reason. */
  readonly exited: Promise<ProcessExit>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: Logger,
    private readonly heartbeatTimeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.stopHeartbeat();
        resolve(this.exitInfo);
      });
    });
    child.on('message', (raw: unknown) => {
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) {
        log.warn({ issues: parsed.error.issues.length }, 'invalid message from session process');
        return;
      }
      if (parsed.data.case === 'pong') this.lastPongMs = performance.now();
      for (const listener of this.listeners) listener(parsed.data);
    });
    // An IPC send to a dying child raises 'error'; the exit handler does the cleanup.
    child.on('error', (error) => log.warn({ err: error }, 'session process error'));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** True when the heartbeat killed the process for not answering pings. */
  get killedUnresponsive(): boolean {
    return this.unresponsive;
  }

  /** Forks a session process and waits for its `ready`, racing its exit and a timeout. */
  static async spawn(options: SpawnOptions): Promise<ProcessHandle> {
    const { LIVEKIT_API_SECRET: _s, WORKER_SECRET: _w, ...inheritedEnv } = process.env;
    const { modulePath, execArgv } = sessionEntry(options.entry);
    if (!entryLogged) {
      entryLogged = true;
      if (modulePath.endsWith('.mjs'))
        options.log.info({ entry: modulePath }, 'session processes run the bundle');
      else
        options.log.info(
          { entry: modulePath },
          'session processes run through tsx (no fresh bundle: npm run setup builds it)',
        );
    }
    const child = fork(modulePath, [], {
      // Credentials travel over IPC, never through the child's environment.
      // rtc-node logs at debug level unless NODE_ENV is production; our own logger has a level.
      env: {
        ...inheritedEnv,
        NODE_ENV: inheritedEnv.NODE_ENV ?? 'production',
        // libwebrtc's threads would each get a glibc malloc arena (64 MB reserved, several
        // MB touched); two arenas keep a session's native heap small.
        MALLOC_ARENA_MAX: inheritedEnv.MALLOC_ARENA_MAX ?? '2',
        ...options.env,
        LOG_LEVEL: options.logLevel,
      },
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const handle = new ProcessHandle(
      child,
      options.log.child({ childPid: child.pid }),
      options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
    );
    try {
      await handle.waitFor('ready', options.readyTimeoutMs ?? 15_000);
    } catch (error) {
      handle.kill('SIGKILL');
      throw error;
    }
    handle.startHeartbeat();
    return handle;
  }

  send(message: ParentMessage): void {
    if (!this.alive || !this.child.connected) return;
    this.child.send(message);
  }

  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Waits for the first message of a given case, racing the process's exit and a timeout.
   * `failOn` names cases that mean failure (their value is reported).
   */
  waitFor<C extends ChildMessage['case']>(
    wanted: C,
    timeoutMs: number,
    failOn: ChildMessage['case'][] = [],
  ): Promise<Extract<ChildMessage, { case: C }>> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const cleanup = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      const unsubscribe = this.onMessage((message) => {
        if (message.case === wanted) {
          cleanup();
          resolve(message as Extract<ChildMessage, { case: C }>);
        } else if (failOn.includes(message.case)) {
          cleanup();
          reject(new ChildReportError(message));
        }
      });
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`session process sent no ${wanted} within ${timeoutMs} ms`));
      }, timeoutMs);
      void this.exited.then((exit) => {
        cleanup();
        reject(
          new Error(
            `session process exited (code ${exit.code}, signal ${exit.signal}) before ${wanted}`,
          ),
        );
      });
    });
  }

  private startHeartbeat() {
    this.lastPongMs = performance.now();
    this.heartbeat = setInterval(() => {
      const silentMs = performance.now() - this.lastPongMs;
      if (silentMs > this.heartbeatTimeoutMs) {
        this.log.error({ silentMs: Math.round(silentMs) }, 'session process unresponsive, killing');
        this.unresponsive = true;
        this.kill('SIGKILL');
        return;
      }
      this.send({ case: 'ping', value: { timestampMs: Date.now() } });
    }, PING_INTERVAL_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Asks the process to stop; kills it if it has not exited by the deadline. */
  async shutdown(reason: string, deadlineMs: number): Promise<ProcessExit> {
    if (!this.alive) return this.exited;
    this.send({ case: 'shutdown', value: { reason } });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const outcome = await Promise.race([this.exited, deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.log.warn({ deadlineMs }, 'session process missed shutdown deadline, killing');
      this.kill('SIGKILL');
    }
    return this.exited;
  }
}

/** A session process reported a failure case that `waitFor` was told to fail on. */
export class ChildReportError extends Error {
  constructor(readonly report: ChildMessage) {
    super(`session process reported ${report.case}: ${JSON.stringify(report.value)}`);
    this.name = 'ChildReportError';
  }
}
