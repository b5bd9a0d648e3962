/**
 * Owns the host's session processes: admits sessions up to capacity, starts each in its own
 * process, forgets it when that process exits, and stops everything on shutdown.
 */
import os from 'node:os';
import type { Logger } from '../log';
import type { LivekitCredentials } from '../protocol/ipc';
import type { SessionRenderStatus, SessionRequest } from '../protocol/session-request';
import { ApiError } from './api-error';
import { ChildReportError, ProcessHandle, type SpawnOptions } from './process-handle';

export type SessionState = 'starting' | 'running' | 'stopping';

export interface SessionSummary {
  sessionId: string;
  roomName: string;
  avatarId: string;
  state: SessionState;
  pid: number | undefined;
  startedAt: string;
  /** Latest renderer status the session reported (absent until it reports one). */
  render?: SessionRenderStatus;
}

interface SessionEntry {
  request: SessionRequest;
  state: SessionState;
  render: SessionRenderStatus | undefined;
  handle: ProcessHandle | undefined;
  startedAt: Date;
}

export interface SessionSupervisorOptions {
  capacity: number;
  livekit: LivekitCredentials;
  log: Logger;
  logLevel: string;
  /** How long a session may take to join its room. */
  startTimeoutMs?: number;
  /** How long a stopping session may take before it is killed. */
  stopDeadlineMs?: number;
  /** Process options, overridable in tests (e.g. a stand-in session entry). */
  spawn?: Partial<Pick<SpawnOptions, 'entry' | 'readyTimeoutMs' | 'heartbeatTimeoutMs'>>;
}

export class SessionSupervisor {
  private readonly sessions = new Map<string, SessionEntry>();
  private closing = false;
  readonly hostId = `${os.hostname()}-${process.pid}`;

  constructor(private readonly options: SessionSupervisorOptions) {}

  get capacity(): number {
    return this.options.capacity;
  }

  /** Sessions admitted and not yet exited (starting ones count: they hold a slot). */
  get active(): number {
    return this.sessions.size;
  }

  list(): SessionSummary[] {
    return [...this.sessions.entries()].map(([sessionId, entry]) => this.summary(sessionId, entry));
  }

  /** Starts a session in a new process; resolves once the avatar publishes in its room. */
  async start(request: SessionRequest): Promise<SessionSummary> {
    const { sessionId } = request;
    if (this.closing) throw new ApiError('shutting_down', 'worker host is shutting down');
    if (this.sessions.has(sessionId))
      throw new ApiError('conflict', `session ${sessionId} is already running`);
    if (this.sessions.size >= this.options.capacity) {
      throw new ApiError('capacity', `worker host is full (${this.options.capacity} sessions)`);
    }
    // Reserve the slot before any await so concurrent requests cannot overbook.
    const entry: SessionEntry = {
      request,
      state: 'starting',
      handle: undefined,
      startedAt: new Date(),
      render: undefined,
    };
    this.sessions.set(sessionId, entry);
    const log = this.options.log.child({ sessionId });
    try {
      const handle = await ProcessHandle.spawn({
        log,
        logLevel: this.options.logLevel,
        ...this.options.spawn,
      });
      entry.handle = handle;
      handle.onMessage((message) => {
        if (message.case !== 'sessionStatus') return;
        const { renderer, notice } = message.value;
        entry.render = { renderer, ...(notice ? { notice } : {}) };
        log.info(entry.render, 'session render status');
      });
      void handle.exited.then((exit) => {
        if (this.sessions.get(sessionId) === entry) this.sessions.delete(sessionId);
        log.info({ code: exit.code, signal: exit.signal }, 'session process exited');
      });
      if (this.closing || entry.state === 'stopping') {
        await handle.shutdown('stopped while starting', this.stopDeadlineMs);
        throw new ApiError('shutting_down', 'session was stopped while starting');
      }
      const started = handle.waitFor('sessionStarted', this.options.startTimeoutMs ?? 30_000, [
        'sessionFailed',
      ]);
      handle.send({ case: 'startSession', value: { request, livekit: this.options.livekit } });
      const message = await started;
      entry.state = 'running';
      log.info({ pid: handle.pid, startupMs: message.value.startupMs }, 'session running');
      return this.summary(sessionId, entry);
    } catch (error) {
      if (this.sessions.get(sessionId) === entry) this.sessions.delete(sessionId);
      entry.handle?.kill('SIGKILL');
      if (error instanceof ApiError) throw error;
      log.error({ err: error }, 'session start failed');
      if (
        error instanceof ChildReportError &&
        error.report.case === 'sessionFailed' &&
        error.report.value.code === 'avatar_store_invalid'
      ) {
        throw new ApiError('avatar_store_invalid', error.report.value.message);
      }
      throw new ApiError('session_start_failed', 'session process failed to start the session');
    }
  }

  /** The session's summary, or undefined when this host does not run it. */
  get(sessionId: string): SessionSummary | undefined {
    const entry = this.sessions.get(sessionId);
    return entry && this.summary(sessionId, entry);
  }

  /** Stops a session; resolves once its process has exited. Returns false when unknown. */
  async stop(sessionId: string): Promise<boolean> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return false;
    entry.state = 'stopping';
    if (entry.handle) await entry.handle.shutdown('stopped by host API', this.stopDeadlineMs);
    return true;
  }

  /** Stops every session in parallel, each with the stop deadline. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.sessions.keys()].map((id) => this.stop(id)));
  }

  private get stopDeadlineMs(): number {
    return this.options.stopDeadlineMs ?? 5_000;
  }

  private summary(sessionId: string, entry: SessionEntry): SessionSummary {
    return {
      sessionId,
      roomName: entry.request.roomName,
      avatarId: entry.request.avatar.id,
      state: entry.state,
      pid: entry.handle?.pid,
      startedAt: entry.startedAt.toISOString(),
      ...(entry.render ? { render: entry.render } : {}),
    };
  }
}
