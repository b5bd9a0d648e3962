/**
 * What a worker host tells the app about itself, every couple of seconds and whenever a
 * session changes state: capacity, load, and each session it runs with live figures. The
 * app keeps the latest report per host (admin dashboard, capacity checks before a dispatch)
 * and re-dispatches the sessions of a host that stops reporting. Worker hosts hold no
 * database connection, so this report is their only way to be seen by the app.
 */
import { z } from 'zod';
import { sessionRenderStatusSchema } from './session-request';

/** How often a host reports when nothing changes. */
export const HOST_REPORT_INTERVAL_MS = 2_000;
/** A host silent for this long is considered gone; its sessions are dispatched again. */
export const HOST_SILENCE_TIMEOUT_MS = 6_000;
/**
 * How long a host waits for the app's answer to a report (and to forwarded session events).
 * Longer than the silence above on purpose: a busy app reads a request on a connection it
 * already accepted soon enough, but one that was given up on costs a new connection, and a
 * busy Node.js server accepts one connection per turn of its event loop (decision 029).
 */
export const APP_REQUEST_TIMEOUT_MS = 20_000;

/** Path of the app's report endpoint (POST, `Authorization: Bearer <WORKER_SECRET>`). */
export const HOST_REPORT_PATH = '/api/internal/worker-hosts/report';

/**
 * Header of a report naming its host, so the app's server can note the host as heard when the
 * request arrives, before Next.js and the database (scripts/lib/host-arrival.mjs).
 */
export const HOST_ID_HEADER = 'x-facecast-host';

const percent = z.number().min(0);
const megabytes = z.number().min(0);

/** Output the session currently produces, after any overload degradation. */
export const sessionQualitySchema = z.object({
  fps: z.number().positive(),
  widthPx: z.number().int().positive(),
  heightPx: z.number().int().positive(),
  /** True when the session runs below its normal fps or size because the host is overloaded. */
  degraded: z.boolean(),
});
export type SessionQuality = z.infer<typeof sessionQualitySchema>;

export const hostSessionReportSchema = z.object({
  sessionId: z.string().min(1),
  roomName: z.string().min(1),
  avatarId: z.string().min(1),
  /** restarting: its process died and a fresh one is joining the same room. */
  state: z.enum(['starting', 'running', 'restarting', 'stopping']),
  pid: z.number().int().optional(),
  startedAt: z.string().datetime(),
  /** Times the session was restarted on a fresh process after a crash or a hang. */
  restarts: z.number().int().min(0),
  /** Frames per second achieved over the last report interval. */
  fps: z.number().min(0),
  framesRendered: z.number().int().min(0),
  framesDropped: z.number().int().min(0),
  /** CPU of the session process (100 = one core) over the last interval. */
  cpuPercent: percent,
  rssMb: megabytes,
  pssMb: megabytes,
  render: sessionRenderStatusSchema.optional(),
  quality: sessionQualitySchema.optional(),
});
export type HostSessionReport = z.infer<typeof hostSessionReportSchema>;

export const hostReportSchema = z.object({
  /** Stable for the host process's life: `<hostname>-<pid>` unless WORKER_NAME sets a name. */
  hostId: z.string().min(1).max(200),
  /** The LiveKit agent worker id the server gave this host, once registered. */
  agentWorkerId: z.string().optional(),
  /** Where the host serves Prometheus metrics (for operators; the app does not scrape it). */
  metricsUrl: z.string().url().optional(),
  /** available: takes sessions; full: at capacity; draining: SIGTERM, finishing its sessions. */
  state: z.enum(['available', 'full', 'draining']),
  capacity: z.number().int().min(0),
  active: z.number().int().min(0),
  /** Idle session processes ready to take a session. */
  prewarmed: z.number().int().min(0),
  /** Load reported to LiveKit, 0-1 (active sessions over capacity, or CPU if higher). */
  load: z.number().min(0).max(1),
  /** CPU of the whole host (all its processes; 100 = one core) and the machine's core count. */
  cpuPercent: percent,
  cores: z.number().int().positive(),
  rssMb: megabytes,
  pssMb: megabytes,
  /** Process restarts (crashes, hangs, memory) since the host started. */
  restarts: z.number().int().min(0),
  sessions: z.array(hostSessionReportSchema),
  /**
   * Sessions this host gives back (draining past its deadline, or it cannot restart them):
   * the app dispatches each again to another host.
   */
  handBack: z.array(z.string()).default([]),
  /**
   * Dispatched sessions this host could not start. `avatar_store_invalid`: the avatar's frame
   * store is missing or damaged, so the app rebuilds it (re-dispatching would fail again).
   */
  failed: z
    .array(
      z.object({
        sessionId: z.string(),
        code: z.enum(['avatar_store_invalid', 'start_failed']),
        message: z.string().max(1_000),
      }),
    )
    .default([]),
});
export type HostReport = z.infer<typeof hostReportSchema>;

/** The app's answer to a report. */
export const hostReportResponseSchema = z.object({
  /** Sessions the host runs that the app considers over: the host stops them. */
  stop: z.array(z.string()).default([]),
});
export type HostReportResponse = z.infer<typeof hostReportResponseSchema>;
