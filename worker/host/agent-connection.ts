/**
 * One WebSocket to a LiveKit server's agent endpoint (`/agent`), speaking the worker side of
 * LiveKit's agent dispatch protocol in protobuf (WorkerMessage out, ServerMessage in). The
 * reconnect policy lives in AgentWorker; this file only knows one socket and the pure parts
 * (endpoint URL, worker token, the messages a host sends).
 */
import {
  JobStatus,
  JobType,
  ParticipantPermission,
  RegisterWorkerRequest,
  ServerMessage,
  UpdateJobStatus,
  UpdateWorkerStatus,
  WorkerMessage,
  WorkerStatus,
} from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import WebSocket from 'ws';

/** How long the server may stay silent before the socket is treated as dead (ms). */
export const AGENT_SOCKET_SILENCE_MS = 25_000;
/** How often the worker pings the server over the protocol (ms). */
export const AGENT_PING_INTERVAL_MS = 10_000;
/** Connect + upgrade deadline (ms). */
export const AGENT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The agent endpoint for a LiveKit URL: `http(s)://host/base` → `ws(s)://host/base/agent`.
 * Throws a message naming the variable to fix when the URL is not a LiveKit URL.
 */
export function agentSocketUrl(livekitUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(livekitUrl);
  } catch {
    throw new Error(
      `LiveKit URL "${livekitUrl}" is not a URL; set LIVEKIT_URL to ws(s)://host:port`,
    );
  }
  const schemes: Record<string, string> = {
    'http:': 'ws:',
    'https:': 'wss:',
    'ws:': 'ws:',
    'wss:': 'wss:',
  };
  const scheme = schemes[parsed.protocol];
  if (!scheme) {
    throw new Error(
      `LiveKit URL "${livekitUrl}" must start with ws://, wss://, http:// or https://`,
    );
  }
  parsed.protocol = scheme;
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/agent`;
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/** A short-lived token with the `agent` grant, as the `/agent` endpoint requires. */
export async function agentWorkerToken(options: {
  apiKey: string;
  apiSecret: string;
  /** Identity in the token (the server does not use it for workers). */
  hostId: string;
  ttlSeconds?: number;
}): Promise<string> {
  const token = new AccessToken(options.apiKey, options.apiSecret, {
    identity: `worker-host:${options.hostId}`,
    ttl: options.ttlSeconds ?? 600,
  });
  token.addGrant({ agent: true });
  return token.toJwt();
}

/** The registration a host sends first: room jobs under its agent name. */
export function registerRequest(options: {
  agentName: string;
  hostId: string;
}): RegisterWorkerRequest {
  return new RegisterWorkerRequest({
    type: JobType.JT_ROOM,
    agentName: options.agentName,
    version: options.hostId,
    allowedPermissions: new ParticipantPermission({
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateMetadata: true,
    }),
  });
}

const JOB_STATUS = {
  running: JobStatus.JS_RUNNING,
  success: JobStatus.JS_SUCCESS,
  failed: JobStatus.JS_FAILED,
} as const;

/** A job's state for the server; `error` only matters with 'failed'. */
export function jobStatusMessage(
  jobId: string,
  status: keyof typeof JOB_STATUS,
  error?: string,
): UpdateJobStatus {
  return new UpdateJobStatus({ jobId, status: JOB_STATUS[status], error: error ?? '' });
}

/**
 * LiveKit server's `agents.target_load` default: it offers a job only to workers whose load
 * is below it, weighted by `target_load − load` (livekit-server pkg/service/agentservice.go,
 * JobRequestAffinity). A worker at or over it gets nothing, whatever its status.
 */
export const LIVEKIT_TARGET_LOAD = 0.7;

/** Capacity a host reports: load 0..1, the share of its capacity in use. */
export interface WorkerCapacity {
  load: number;
  /** No more jobs: the server skips the host entirely. */
  full: boolean;
  jobCount: number;
}

/**
 * The UpdateWorkerStatus for a capacity. The load (clamped to 0..1) goes out scaled onto
 * 0..LIVEKIT_TARGET_LOAD: a host with one free slot left is still under the server's target
 * and gets jobs (sent unscaled, a host of capacity 8 got none from its 6th session on), hosts
 * are still weighted by their free share, and a full host says WS_FULL.
 */
export function workerStatusMessage(capacity: WorkerCapacity): UpdateWorkerStatus {
  const load = Number.isFinite(capacity.load) ? Math.min(1, Math.max(0, capacity.load)) : 1;
  return new UpdateWorkerStatus({
    status: capacity.full ? WorkerStatus.WS_FULL : WorkerStatus.WS_AVAILABLE,
    load: load * LIVEKIT_TARGET_LOAD,
    jobCount: Math.max(0, Math.trunc(capacity.jobCount)),
  });
}

/** Whether two capacities send the same message (load compared to 0.1 %). */
export function sameCapacity(a: WorkerCapacity | undefined, b: WorkerCapacity): boolean {
  if (!a) return false;
  const x = workerStatusMessage(a);
  const y = workerStatusMessage(b);
  return x.status === y.status && x.jobCount === y.jobCount && Math.abs(x.load - y.load) < 0.001;
}

export interface AgentConnectionEvents {
  onMessage(message: ServerMessage): void;
  /** Called once when the socket is gone, for whatever reason. */
  onClose(reason: string): void;
}

/** One open socket to `/agent`; created by `openAgentConnection`. */
export class AgentConnection {
  private pingTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private lastHeardAt = Date.now();
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly events: AgentConnectionEvents,
  ) {
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.lastHeardAt = Date.now();
      if (!isBinary) return; // protobuf only; the server answers in the encoding we send
      let message: ServerMessage;
      try {
        message = ServerMessage.fromBinary(toBytes(data));
      } catch (error) {
        this.terminate(`undecodable server message: ${String(error)}`);
        return;
      }
      this.events.onMessage(message);
    });
    // The server pings with WebSocket control frames every 10 s; ws answers them itself.
    socket.on('ping', () => (this.lastHeardAt = Date.now()));
    socket.on('close', (code, reason) => this.finish(`closed (${code} ${reason.toString()})`));
    socket.on('error', (error) => this.terminate(`socket error: ${error.message}`));
    this.pingTimer = setInterval(() => this.keepAlive(), AGENT_PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  send(message: WorkerMessage): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(message.toBinary());
  }

  /** Closes cleanly (close frame); onClose follows. */
  close(reason = 'worker closing'): void {
    if (this.closed) return;
    this.socket.close(1000, reason);
    // A server that never answers the close frame must not keep us waiting.
    this.closeTimer = setTimeout(() => this.terminate('close timed out'), 2_000);
  }

  /** Drops the socket at once (no close handshake); onClose follows. */
  terminate(reason: string): void {
    if (this.closed) return;
    this.socket.terminate();
    this.finish(reason);
  }

  private keepAlive(): void {
    if (Date.now() - this.lastHeardAt > AGENT_SOCKET_SILENCE_MS) {
      this.terminate(`server silent for ${AGENT_SOCKET_SILENCE_MS} ms`);
      return;
    }
    this.send(
      new WorkerMessage({ message: { case: 'ping', value: { timestamp: BigInt(Date.now()) } } }),
    );
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.closeTimer);
    this.socket.removeAllListeners('message');
    this.events.onClose(reason);
  }
}

/** Opens the socket with the worker token; rejects on HTTP errors (401 = bad key) or timeout. */
export function openAgentConnection(options: {
  url: string;
  token: string;
  events: AgentConnectionEvents;
}): Promise<AgentConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, {
      headers: { Authorization: `Bearer ${options.token}` },
      handshakeTimeout: AGENT_CONNECT_TIMEOUT_MS,
    });
    const fail = (error: Error) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    socket.once('unexpected-response', (_request, response) =>
      fail(
        new Error(
          `LiveKit agent endpoint ${options.url} answered HTTP ${response.statusCode}` +
            (response.statusCode === 401 ? ' (check LIVEKIT_API_KEY / LIVEKIT_API_SECRET)' : ''),
        ),
      ),
    );
    socket.once('error', fail);
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('unexpected-response');
      resolve(new AgentConnection(socket, options.events));
    });
  });
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
