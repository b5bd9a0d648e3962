/**
 * The worker host's Prometheus metrics (`prom-client`, one registry per host): pool size and
 * load, per-session frames and fps, render time, process restarts, per-process CPU and
 * memory, and frame store memory, plus Node's default metrics of the host process itself
 * (prefix `facecast_host_`). Every series is listed in docs/operations.md ("Metrics").
 *
 * The host pushes figures in (`recordSessionStats` from each session's stats message,
 * `setProcesses` from a ProcStatsSampler pass, …); Prometheus pulls text out (`metrics()`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Why a session process was replaced. */
export type RestartReason = 'crash' | 'unresponsive' | 'memory';
export const RESTART_REASONS: readonly RestartReason[] = ['crash', 'unresponsive', 'memory'];

/** What a process is for: the host itself, running a session, prewarmed idle, or speech. */
export type ProcessRole = 'host' | 'session' | 'idle' | 'speech';

/** Figures a session sent since its previous stats message (deltas, not totals). */
export interface SessionStatsDelta {
  framesRendered: number;
  framesDropped: number;
  /** Render time of each frame in the interval, ms. */
  renderMs: readonly number[];
  /** Frames per second achieved over the interval. */
  fps: number;
}

export interface ProcessFigures {
  pid: number;
  role: ProcessRole;
  /** The session it runs, when role is 'session'. */
  sessionId?: string;
  /** 100 = one core. */
  cpuPercent: number;
  rssBytes: number;
  /** Undefined when the kernel would not tell (no series is written then). */
  pssBytes?: number;
}

export interface PoolFigures {
  active: number;
  capacity: number;
  prewarmed: number;
  /** 0-1, as reported to LiveKit. */
  load: number;
}

export interface StoreFigures {
  /** The frame store's name (avatar id or file name). */
  store: string;
  /** Bytes of the store file mapped into the host's sessions. */
  mappedBytes: number;
  /** Bytes of it resident in memory (page cache pages the sessions touched). */
  inUseBytes: number;
}

/** Render time buckets, seconds: 1-40 ms is the working range (a frame at 25 fps is 40 ms). */
export const RENDER_SECONDS_BUCKETS = [
  0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.06, 0.1,
];

export class HostMetrics {
  readonly registry = new Registry();
  private readonly sessionsActive: Gauge;
  private readonly sessionsCapacity: Gauge;
  private readonly prewarmed: Gauge;
  private readonly poolLoad: Gauge;
  private readonly framesRendered: Counter<'session'>;
  private readonly framesDropped: Counter<'session'>;
  private readonly renderSeconds: Histogram;
  private readonly sessionFps: Gauge<'session'>;
  private readonly restarts: Counter<'reason'>;
  private readonly processCpu: Gauge<'pid' | 'role' | 'session'>;
  private readonly processRss: Gauge<'pid' | 'role' | 'session'>;
  private readonly processPss: Gauge<'pid' | 'role' | 'session'>;
  private readonly storeMapped: Gauge<'store'>;
  private readonly storeInUse: Gauge<'store'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'facecast_host_' });
    this.sessionsActive = new Gauge({
      name: 'facecast_sessions_active',
      help: 'Sessions running on this host',
      registers,
    });
    this.sessionsCapacity = new Gauge({
      name: 'facecast_sessions_capacity',
      help: 'Most sessions this host takes at once (from its cores and calibration)',
      registers,
    });
    this.prewarmed = new Gauge({
      name: 'facecast_processes_prewarmed',
      help: 'Idle session processes ready to take a session',
      registers,
    });
    this.poolLoad = new Gauge({
      name: 'facecast_pool_load',
      help: 'Load reported to LiveKit, 0-1',
      registers,
    });
    this.framesRendered = new Counter({
      name: 'facecast_session_frames_rendered_total',
      help: 'Video frames a session rendered and published',
      labelNames: ['session'],
      registers,
    });
    this.framesDropped = new Counter({
      name: 'facecast_session_frames_dropped_total',
      help: 'Video frames a session skipped: not rendered by their due time',
      labelNames: ['session'],
      registers,
    });
    this.renderSeconds = new Histogram({
      name: 'facecast_render_seconds',
      help: 'Render round trip of one video frame (request to frame back), all sessions of this host',
      buckets: RENDER_SECONDS_BUCKETS,
      registers,
    });
    this.sessionFps = new Gauge({
      name: 'facecast_session_fps',
      help: 'Frames per second a session achieved over its last stats interval',
      labelNames: ['session'],
      registers,
    });
    this.restarts = new Counter({
      name: 'facecast_process_restarts_total',
      help: 'Session processes replaced, by reason',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of RESTART_REASONS) this.restarts.inc({ reason }, 0);
    const processLabels = ['pid', 'role', 'session'] as const;
    this.processCpu = new Gauge({
      name: 'facecast_process_cpu_percent',
      help: 'CPU of a host process over the last sample, 100 = one core',
      labelNames: processLabels,
      registers,
    });
    this.processRss = new Gauge({
      name: 'facecast_process_rss_bytes',
      help: 'Resident memory of a host process (shared frame store pages counted in full)',
      labelNames: processLabels,
      registers,
    });
    this.processPss = new Gauge({
      name: 'facecast_process_pss_bytes',
      help: 'Proportional memory of a host process (shared pages split between their users)',
      labelNames: processLabels,
      registers,
    });
    this.storeMapped = new Gauge({
      name: 'facecast_frame_store_mapped_bytes',
      help: 'Bytes of an avatar frame store mapped by this host',
      labelNames: ['store'],
      registers,
    });
    this.storeInUse = new Gauge({
      name: 'facecast_frame_store_in_use_bytes',
      help: 'Bytes of an avatar frame store resident in memory',
      labelNames: ['store'],
      registers,
    });
  }

  /** The Content-Type header for `metrics()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** All series in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Adds a session's stats message (figures since its previous one). */
  recordSessionStats(sessionId: string, stats: SessionStatsDelta): void {
    const session = { session: sessionId };
    this.framesRendered.inc(session, nonNegative(stats.framesRendered, 'framesRendered'));
    this.framesDropped.inc(session, nonNegative(stats.framesDropped, 'framesDropped'));
    for (const ms of stats.renderMs) this.renderSeconds.observe(ms / 1000);
    this.sessionFps.set(session, nonNegative(stats.fps, 'fps'));
  }

  /** Removes a finished session's series, so ended sessions do not pile up. */
  forgetSession(sessionId: string): void {
    const session = { session: sessionId };
    this.framesRendered.remove(session);
    this.framesDropped.remove(session);
    this.sessionFps.remove(session);
  }

  /** Replaces the per-process series with this snapshot (processes gone since disappear). */
  setProcesses(processes: readonly ProcessFigures[]): void {
    this.processCpu.reset();
    this.processRss.reset();
    this.processPss.reset();
    for (const p of processes) {
      const labels = { pid: String(p.pid), role: p.role, session: p.sessionId ?? '' };
      this.processCpu.set(labels, p.cpuPercent);
      this.processRss.set(labels, p.rssBytes);
      if (p.pssBytes !== undefined) this.processPss.set(labels, p.pssBytes);
    }
  }

  setPool(pool: PoolFigures): void {
    this.sessionsActive.set(pool.active);
    this.sessionsCapacity.set(pool.capacity);
    this.prewarmed.set(pool.prewarmed);
    this.poolLoad.set(pool.load);
  }

  countRestart(reason: RestartReason): void {
    this.restarts.inc({ reason });
  }

  /** Replaces the frame store series with this snapshot (stores unmapped since disappear). */
  setStores(stores: readonly StoreFigures[]): void {
    this.storeMapped.reset();
    this.storeInUse.reset();
    for (const s of stores) {
      this.storeMapped.set({ store: s.store }, s.mappedBytes);
      this.storeInUse.set({ store: s.store }, s.inUseBytes);
    }
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}
