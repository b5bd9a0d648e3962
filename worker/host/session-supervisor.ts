/**
 * Owns the host's sessions: admits them up to capacity, runs each in a process from the
 * pool, restarts a session whose process crashed, hung or outgrew its memory on a fresh
 * process in the same room, rejoins a session the LiveKit server dropped (a server restart)
 * once the server answers again, gives processes back to the pool when sessions end, and
 * drains on shutdown. Sessions it cannot keep running are handed back for the app to
 * re-dispatch.
 */
import type { Logger } from '../log';
import type { SessionQuality } from '../../protocol/host-report';
import type { ChildMessage, RoomJoin } from '../ipc/ipc';
import type { SessionRenderStatus, SessionRequest } from '../../protocol/session-request';
import { FrameStoreError } from '../../protocol/frame-store/frame-store-error';
import { ApiError } from './api-error';
import { ChildReportError, type ProcessHandle } from './process-handle';
import type { ProcessPool } from './process-pool';

import type { RestartReason } from './host-metrics';

export type SessionState = 'starting' | 'running' | 'restarting' | 'stopping';
export type { RestartReason };

export interface SessionSummary {
  sessionId: string;
  roomName: string;
  avatarId: string;
  state: SessionState;
  pid: number | undefined;
  startedAt: string;
  restarts: number;
  /** Frames per second over the last stats interval. */
  fps: number;
  framesRendered: number;
  framesDropped: number;
  /** Latest renderer status the session reported (absent until it reports one). */
  render?: SessionRenderStatus;
  quality?: SessionQuality;
  /** The LiveKit agent job this session runs for, when it came by dispatch. */
  jobId?: string;
}

/** One stats message from a session process, as the host's metrics want it. */
export type SessionStats = Extract<ChildMessage, { case: 'sessionStats' }>['value'];
export type SessionEventMessage = Extract<ChildMessage, { case: 'sessionEvent' }>['value'];

interface SessionEntry {
  request: SessionRequest;
  jobId: string | undefined;
  state: SessionState;
  handle: ProcessHandle | undefined;
  render: SessionRenderStatus | undefined;
  quality: SessionQuality | undefined;
  startedAt: Date;
  restarts: number;
  /** Restart times (ms) within the restart window. */
  recentRestartsMs: number[];
  fps: number;
  framesRendered: number;
  framesDropped: number;
  lastStatsMs: number | undefined;
  /** Set when the host kills the process for its memory, so the exit is not a "crash". */
  killedForMemory: boolean;
  /** Ends the session's hold on what `prepare` set up (its frame store). */
  release: (() => void) | undefined;
  /**
   * Turns queued or playing in the session's process (turn id → text), from its events: a
   * process that dies takes them along, so they are reported dropped (`speech.dropped`).
   */
  openTurns: Map<string, string>;
}

export interface SessionSupervisorOptions {
  capacity: number;
  pool: ProcessPool;
  /** The room URL and an avatar token for a session's room. */
  join: (request: SessionRequest) => Promise<RoomJoin>;
  /**
   * Readies what a session needs on this host before its first start (the host verifies and
   * holds the avatar's frame store); returns what ends that hold. A FrameStoreError from it
   * becomes `avatar_store_invalid`.
   */
  prepare?: (request: SessionRequest) => Promise<() => void>;
  log: Logger;
  /** How long a session may take to join its room. */
  startTimeoutMs?: number;
  /** How long a stopping session may take before it is killed. */
  stopDeadlineMs?: number;
  /** Restarts allowed within RESTART_WINDOW_MS before the session is handed back. */
  maxRestarts?: number;
  /**
   * Whether the LiveKit server a session joins answers now; a dropped session rejoins only
   * then (no process is spent on a server that is down). Absent: always try.
   */
  serverAnswers?: (request: SessionRequest) => Promise<boolean>;
  /** How long a dropped session waits for its server before it is handed back (ms). */
  rejoinDeadlineMs?: number;
  onSessionEnded?: (summary: SessionSummary, reason: string) => void;
  onStats?: (stats: SessionStats) => void;
  /** A conversation event of a running session (forwarded to the app). */
  onEvent?: (event: SessionEventMessage) => void;
  onRestart?: (reason: RestartReason) => void;
  /** Called whenever a session changes state (the host reports at once). */
  onChange?: () => void;
}

const RESTART_WINDOW_MS = 5 * 60_000;
/** Rejoin backoff after the server dropped a session: first wait, doubled up to the cap (ms). */
export const REJOIN_MIN_DELAY_MS = 250;
export const REJOIN_MAX_DELAY_MS = 2_000;
/** Joins that may fail while the server answers before the session is handed back. */
const MAX_FAILED_REJOINS = 10;
const DEFAULT_REJOIN_DEADLINE_MS = 5 * 60_000;

export class SessionSupervisor {
  private readonly sessions = new Map<string, SessionEntry>();
  /** Sessions given up on, waiting to be reported to the app for re-dispatch. */
  private readonly handedBack = new Set<string>();
  private closing = false;

  constructor(private readonly options: SessionSupervisorOptions) {}

  get capacity(): number {
    return this.options.capacity;
  }

  /** Sessions admitted and not yet over (starting ones count: they hold a slot). */
  get active(): number {
    return this.sessions.size;
  }

  get draining(): boolean {
    return this.closing;
  }

  /** Whether a new session would be admitted now (not draining, below capacity). */
  get hasRoom(): boolean {
    return !this.closing && this.sessions.size < this.options.capacity;
  }

  list(): SessionSummary[] {
    return [...this.sessions.entries()].map(([sessionId, entry]) => this.summary(sessionId, entry));
  }

  get(sessionId: string): SessionSummary | undefined {
    const entry = this.sessions.get(sessionId);
    return entry && this.summary(sessionId, entry);
  }

  /** Session ids to hand back since the last call (the report carries them to the app). */
  takeHandedBack(): string[] {
    const ids = [...this.handedBack];
    this.handedBack.clear();
    return ids;
  }

  /** Marks running sessions as handed back (draining host): the next report carries them. */
  handBackAll(sessionIds: readonly string[]): void {
    for (const id of sessionIds) if (this.sessions.has(id)) this.handedBack.add(id);
  }

  /** Pids of the processes running sessions, with their session. */
  processes(): { pid: number; sessionId: string }[] {
    return [...this.sessions.entries()].flatMap(([sessionId, entry]) =>
      entry.handle?.pid === undefined ? [] : [{ pid: entry.handle.pid, sessionId }],
    );
  }

  /** Starts a session; resolves once the avatar publishes in its room. */
  async start(request: SessionRequest, context: { jobId?: string } = {}): Promise<SessionSummary> {
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
      jobId: context.jobId,
      state: 'starting',
      handle: undefined,
      render: undefined,
      quality: undefined,
      startedAt: new Date(),
      restarts: 0,
      recentRestartsMs: [],
      fps: 0,
      framesRendered: 0,
      framesDropped: 0,
      lastStatsMs: undefined,
      killedForMemory: false,
      release: undefined,
      openTurns: new Map(),
    };
    this.sessions.set(sessionId, entry);
    this.changed();
    try {
      entry.release = await this.options.prepare?.(request);
      await this.launch(sessionId, entry);
      return this.summary(sessionId, entry);
    } catch (error) {
      this.forget(sessionId, entry);
      throw this.startError(error, sessionId);
    }
  }

  /** Stops a session; resolves once its process has left the room. False when unknown. */
  async stop(sessionId: string, reason = 'stopped by host API'): Promise<boolean> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return false;
    entry.state = 'stopping';
    this.changed();
    const handle = entry.handle;
    if (!handle) {
      this.forget(sessionId, entry, reason);
      return true;
    }
    const ended = handle.waitFor('sessionEnded', this.stopDeadlineMs).catch(() => undefined);
    handle.send({ case: 'stopSession', value: { reason } });
    if (!(await ended)) {
      this.options.log.warn({ sessionId }, 'session missed its stop deadline, killing');
      handle.kill('SIGKILL');
      await handle.exited;
      this.forget(sessionId, entry, reason);
    }
    return true;
  }

  /**
   * Kills the process of every running session over `hardLimitBytes`; the session restarts
   * on a fresh process (reason "memory"). Softer excess is dealt with when sessions end.
   */
  enforceMemoryLimit(memoryOf: (pid: number) => number | undefined, hardLimitBytes: number) {
    for (const [sessionId, entry] of this.sessions) {
      const pid = entry.handle?.pid;
      if (pid === undefined || entry.state !== 'running') continue;
      const bytes = memoryOf(pid);
      if (bytes === undefined || bytes <= hardLimitBytes) continue;
      this.options.log.error(
        { sessionId, pid, memoryBytes: bytes, limitBytes: hardLimitBytes },
        'session process far over its memory limit, restarting the session',
      );
      entry.killedForMemory = true;
      entry.handle?.kill('SIGKILL');
    }
  }

  /**
   * Stops taking sessions and waits up to `deadlineMs` for the running ones to end by
   * themselves; returns the ids still running then, which the caller hands back and stops.
   */
  async drain(deadlineMs: number): Promise<string[]> {
    this.closing = true;
    this.changed();
    const until = Date.now() + deadlineMs;
    while (this.sessions.size > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return [...this.sessions.keys()];
  }

  /** Stops every session in parallel, each with the stop deadline. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.sessions.keys()].map((id) => this.stop(id, 'host stopping')));
  }

  /** Runs the entry's session in a process from the pool; resolves once it publishes. */
  private async launch(sessionId: string, entry: SessionEntry): Promise<void> {
    const log = this.options.log.child({ sessionId });
    const [{ handle, warm }, join] = await Promise.all([
      this.options.pool.take(),
      this.options.join(entry.request),
    ]);
    if (this.sessions.get(sessionId) !== entry) {
      // Stopped while a process was being found: it goes back unused.
      void this.options.pool.giveBack(handle);
      throw new ApiError('shutting_down', 'session was stopped while starting');
    }
    entry.handle = handle;
    entry.killedForMemory = false;
    const unsubscribe = handle.onMessage((message) =>
      this.onChildMessage(sessionId, entry, handle, message),
    );
    void handle.exited.then((exit) => {
      unsubscribe();
      if (this.sessions.get(sessionId) !== entry || entry.handle !== handle) return;
      if (entry.state === 'stopping' || this.closing) {
        this.forget(sessionId, entry, 'process exited');
        return;
      }
      const reason: RestartReason = handle.killedUnresponsive
        ? 'unresponsive'
        : entry.killedForMemory
          ? 'memory'
          : 'crash';
      log.error({ code: exit.code, signal: exit.signal, reason }, 'session process died');
      this.reportDroppedTurns(sessionId, entry);
      this.options.onRestart?.(reason);
      void this.restart(sessionId, entry, reason);
    });
    if (entry.state === 'stopping' || this.closing) {
      await handle.shutdown('stopped while starting', this.stopDeadlineMs);
      throw new ApiError('shutting_down', 'session was stopped while starting');
    }
    const started = handle.waitFor('sessionStarted', this.options.startTimeoutMs ?? 30_000, [
      'sessionFailed',
    ]);
    handle.send({ case: 'startSession', value: { request: entry.request, join } });
    let message;
    try {
      message = await started;
    } catch (error) {
      // Never reuse a process whose start failed: its native state may be half built.
      handle.kill('SIGKILL');
      throw error;
    }
    if (!this.isCurrent(sessionId, entry)) {
      // A stop arrived while the process was joining: it may have missed it, so end it here.
      await handle.shutdown('stopped while starting', this.stopDeadlineMs);
      throw new ApiError('shutting_down', 'session was stopped while starting');
    }
    entry.state = 'running';
    this.changed();
    log.info(
      { pid: handle.pid, warm, startupMs: message.value.startupMs, restarts: entry.restarts },
      'session running',
    );
  }

  /** The turns a process took along when its session ended early, as `speech.dropped`. */
  private reportDroppedTurns(
    sessionId: string,
    entry: SessionEntry,
    reason: 'crash' | 'connection_lost' = 'crash',
  ): void {
    for (const [turnId, text] of entry.openTurns) {
      this.options.onEvent?.({
        sessionId,
        at: Date.now(),
        event: { type: 'speech.dropped', turnId, text, reason },
      });
    }
    entry.openTurns.clear();
  }

  /**
   * The LiveKit server dropped the session (restarted, or unreachable longer than the SDK's
   * own reconnect lasts): the room and its agent job are gone with it. Waits until the server
   * answers, then joins the same room again with a fresh token on a process from the pool,
   * with backoff; hands the session back when the server stays away past the deadline.
   */
  private async rejoin(sessionId: string, entry: SessionEntry, reason: string): Promise<void> {
    const log = this.options.log.child({ sessionId });
    entry.state = 'restarting';
    entry.handle = undefined;
    this.reportDroppedTurns(sessionId, entry, 'connection_lost');
    this.emit(sessionId, { type: 'connection', state: 'reconnecting', reason });
    this.changed();
    log.warn({ reason }, 'LiveKit dropped the session; rejoining when the server answers');
    const lostAtMs = Date.now();
    const deadlineMs = lostAtMs + (this.options.rejoinDeadlineMs ?? DEFAULT_REJOIN_DEADLINE_MS);
    let delayMs = REJOIN_MIN_DELAY_MS;
    let failures = 0;
    for (;;) {
      if (!this.isCurrent(sessionId, entry) || this.closing) return;
      const answers = await (this.options.serverAnswers?.(entry.request) ?? Promise.resolve(true));
      if (!this.isCurrent(sessionId, entry) || this.closing) return;
      if (answers) {
        try {
          await this.launch(sessionId, entry);
          log.info({ downMs: Date.now() - lostAtMs }, 'session rejoined its room');
          this.emit(sessionId, { type: 'connection', state: 'reconnected', rejoined: true });
          return;
        } catch (error) {
          // launch() killed the process it tried: its exit is this rejoin's, not a crash.
          if (entry.handle) entry.handle = undefined;
          if (!this.isCurrent(sessionId, entry)) return;
          failures++;
          log.warn({ err: error, failures }, 'rejoin failed');
          if (failures >= MAX_FAILED_REJOINS) {
            this.handBack(sessionId, entry, 'rejoin failed');
            return;
          }
        }
      }
      if (Date.now() + delayMs > deadlineMs) {
        log.error('LiveKit did not come back in time, handing the session back');
        this.handBack(sessionId, entry, 'LiveKit unreachable');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(REJOIN_MAX_DELAY_MS, delayMs * 2);
    }
  }

  private emit(sessionId: string, event: SessionEventMessage['event']): void {
    this.options.onEvent?.({ sessionId, at: Date.now(), event });
  }

  /** Starts the session again on a fresh process in the same room, or hands it back. */
  private async restart(sessionId: string, entry: SessionEntry, reason: RestartReason) {
    const nowMs = Date.now();
    entry.recentRestartsMs = entry.recentRestartsMs.filter((t) => nowMs - t < RESTART_WINDOW_MS);
    entry.recentRestartsMs.push(nowMs);
    entry.restarts++;
    entry.state = 'restarting';
    entry.handle = undefined;
    this.changed();
    const log = this.options.log.child({ sessionId });
    if (entry.recentRestartsMs.length > (this.options.maxRestarts ?? 5)) {
      log.error({ restarts: entry.restarts }, 'session keeps failing here, handing it back');
      this.handBack(sessionId, entry, `restarted too often (${reason})`);
      return;
    }
    try {
      await this.launch(sessionId, entry);
      log.info({ reason, restarts: entry.restarts }, 'session restarted');
    } catch (error) {
      // Stopped while restarting: nothing to hand back.
      if (!this.isCurrent(sessionId, entry)) return;
      log.error({ err: error }, 'session restart failed, handing it back');
      this.handBack(sessionId, entry, 'restart failed');
    }
  }

  private onChildMessage(
    sessionId: string,
    entry: SessionEntry,
    handle: ProcessHandle,
    message: ChildMessage,
  ) {
    switch (message.case) {
      case 'sessionStatus': {
        // A process the session left (it rejoined on another) may be running another one.
        if (entry.handle !== handle) return;
        const { renderer, notice } = message.value;
        entry.render = { renderer, ...(notice ? { notice } : {}) };
        this.options.log.info({ sessionId, ...entry.render }, 'session render status');
        this.changed();
        return;
      }
      case 'sessionStats': {
        if (entry.handle !== handle) return;
        const nowMs = performance.now();
        const intervalS = entry.lastStatsMs === undefined ? 1 : (nowMs - entry.lastStatsMs) / 1000;
        entry.lastStatsMs = nowMs;
        entry.fps = message.value.framesRendered / Math.max(0.2, intervalS);
        entry.framesRendered += message.value.framesRendered;
        entry.framesDropped += message.value.framesDropped;
        if (entry.quality?.fps !== message.value.quality.fps) this.changed();
        entry.quality = message.value.quality;
        this.options.onStats?.(message.value);
        return;
      }
      case 'sessionEvent': {
        // Only from the process that runs the session now, under the session's own id.
        if (entry.handle !== handle || message.value.sessionId !== sessionId) return;
        trackTurn(entry.openTurns, message.value.event);
        this.options.onEvent?.(message.value);
        return;
      }
      case 'sessionEnded': {
        if (this.sessions.get(sessionId) !== entry || entry.handle !== handle) return;
        const { reason, connectionLost } = message.value;
        if (connectionLost && entry.state === 'running' && !this.closing) {
          void this.rejoin(sessionId, entry, reason);
        } else {
          this.forget(sessionId, entry, reason);
        }
        // The process says `ready` right after; then it goes back to the pool.
        handle
          .waitFor('ready', this.stopDeadlineMs)
          .then(() => this.options.pool.giveBack(handle))
          .catch(() => handle.kill('SIGKILL'));
        return;
      }
      default:
        return;
    }
  }

  /** The entry is still this session's and nobody asked it to stop (state changes across awaits). */
  private isCurrent(sessionId: string, entry: SessionEntry): boolean {
    return this.sessions.get(sessionId) === entry && entry.state !== 'stopping';
  }

  private handBack(sessionId: string, entry: SessionEntry, reason: string) {
    if (this.sessions.get(sessionId) !== entry) return;
    this.handedBack.add(sessionId);
    this.forget(sessionId, entry, `handed back: ${reason}`);
  }

  private forget(sessionId: string, entry: SessionEntry, reason?: string) {
    if (this.sessions.get(sessionId) !== entry) return;
    this.sessions.delete(sessionId);
    entry.release?.();
    if (reason !== undefined) this.options.onSessionEnded?.(this.summary(sessionId, entry), reason);
    this.changed();
  }

  private startError(error: unknown, sessionId: string): ApiError {
    if (error instanceof ApiError) return error;
    this.options.log.error({ err: error, sessionId }, 'session start failed');
    if (
      error instanceof ChildReportError &&
      error.report.case === 'sessionFailed' &&
      error.report.value.code === 'avatar_store_invalid'
    ) {
      return new ApiError('avatar_store_invalid', error.report.value.message);
    }
    if (error instanceof FrameStoreError)
      return new ApiError('avatar_store_invalid', error.message);
    return new ApiError('session_start_failed', 'session process failed to start the session');
  }

  private changed() {
    this.options.onChange?.();
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
      restarts: entry.restarts,
      fps: Math.round(entry.fps * 10) / 10,
      framesRendered: entry.framesRendered,
      framesDropped: entry.framesDropped,
      ...(entry.render ? { render: entry.render } : {}),
      ...(entry.quality ? { quality: entry.quality } : {}),
      ...(entry.jobId ? { jobId: entry.jobId } : {}),
    };
  }
}

/** Keeps a session's open turns up to date with one of its events. */
function trackTurn(open: Map<string, string>, event: SessionEventMessage['event']): void {
  switch (event.type) {
    case 'speech.queued':
      open.set(event.turnId, event.text);
      return;
    case 'speech.started':
      // An answer being written is not announced as queued; it is open once heard.
      open.set(event.turnId, open.get(event.turnId) ?? event.text);
      return;
    case 'speech.ended':
    case 'speech.dropped':
      open.delete(event.turnId);
      return;
    default:
      return;
  }
}
