/**
 * A worker host registered with the LiveKit server as an agent worker (LiveKit's agent
 * dispatch protocol, worker side). The app calls `AgentDispatchClient.createDispatch(room,
 * agentName, { metadata })`; the server offers the job to a registered host chosen by weight
 * `target_load − load` among hosts reporting WS_AVAILABLE under its target load (0.7; see
 * workerStatusMessage for how our load fits it), waits ≤ 10 s for the answer, then sends the
 * assignment with a room token it builds for the identity the host chose.
 *
 * We speak the protocol ourselves instead of using @livekit/agents: see
 * docs/decisions/006-agent-dispatch-protocol.md.
 */
import {
  AvailabilityResponse,
  WorkerMessage,
  type AvailabilityRequest,
  type JobAssignment,
  type ServerMessage,
} from '@livekit/protocol';
import {
  agentSocketUrl,
  agentWorkerToken,
  jobStatusMessage,
  openAgentConnection,
  registerRequest,
  sameCapacity,
  workerStatusMessage,
  type AgentConnection,
  type WorkerCapacity,
} from './agent-connection';
import type {
  AgentWorkerOptions,
  AssignedJob,
  JobStatusName,
  OfferAnswer,
  OfferedJob,
} from './agent-worker-types';

export type { AgentWorkerOptions, AssignedJob, JobStatusName, OfferAnswer, OfferedJob };

/** Registration must be answered within this (the server's own limit is 10 s) (ms). */
const REGISTER_TIMEOUT_MS = 10_000;
/** Reconnect backoff: first delay, doubled up to the maximum (ms). */
export const RECONNECT_MIN_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 5_000;

export class AgentWorker {
  private readonly socketUrl: string;
  private connection: AgentConnection | undefined;
  private workerId: string | undefined;
  private capacity: WorkerCapacity | undefined;
  private sentCapacity: WorkerCapacity | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_DELAY_MS;
  private pendingRegister:
    { resolve: (workerId: string) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly options: AgentWorkerOptions) {
    this.socketUrl = agentSocketUrl(options.url);
  }

  /** The id the server gave this host at its last registration. */
  get id(): string | undefined {
    return this.workerId;
  }

  get connected(): boolean {
    return this.connection !== undefined && this.workerId !== undefined;
  }

  /**
   * Connects and registers; resolves with the worker id. A failed first attempt rejects (bad
   * URL or key is a configuration error); later drops reconnect on their own.
   */
  async start(): Promise<string> {
    this.stopped = false;
    try {
      return await this.connect();
    } catch (error) {
      // A first attempt that fails is a configuration error to report, not to retry.
      this.stopped = true;
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      throw error;
    }
  }

  /** Reports capacity; sent only when it changed, and again after every reconnect. */
  updateStatus(capacity: WorkerCapacity): void {
    this.capacity = { ...capacity };
    if (this.connected && !sameCapacity(this.sentCapacity, capacity)) this.sendCapacity();
  }

  /** Reports a job's state; lost (with a debug log) while disconnected. */
  jobStatus(jobId: string, status: JobStatusName, error?: string): void {
    const update = jobStatusMessage(jobId, status, error);
    this.send(new WorkerMessage({ message: { case: 'updateJob', value: update } }));
  }

  /** Tells the server to send nothing more (WS_FULL), closes the socket, stops reconnecting. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const connection = this.connection;
    if (!connection) return;
    if (this.workerId) {
      const capacity = { load: 1, full: true, jobCount: this.capacity?.jobCount ?? 0 };
      this.send(
        new WorkerMessage({
          message: { case: 'updateWorker', value: workerStatusMessage(capacity) },
        }),
      );
    }
    await new Promise<void>((resolve) => {
      this.onClosed = resolve;
      connection.close();
    });
  }

  private onClosed: (() => void) | undefined;

  private async connect(): Promise<string> {
    const token = await agentWorkerToken({
      apiKey: this.options.apiKey,
      apiSecret: this.options.apiSecret,
      hostId: this.options.hostId,
    });
    const connection = await openAgentConnection({
      url: this.socketUrl,
      token,
      events: {
        onMessage: (message) => this.handle(message),
        onClose: (reason) => this.handleClose(connection, reason),
      },
    });
    if (this.stopped) {
      connection.close();
      throw new Error('agent worker closed while connecting');
    }
    this.connection = connection;
    this.workerId = undefined;
    this.sentCapacity = undefined;
    const workerId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`LiveKit did not answer the agent registration in ${REGISTER_TIMEOUT_MS} ms`),
        );
        connection.terminate('registration timed out');
      }, REGISTER_TIMEOUT_MS);
      this.pendingRegister = {
        resolve: (id) => (clearTimeout(timer), resolve(id)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      connection.send(
        new WorkerMessage({ message: { case: 'register', value: registerRequest(this.options) } }),
      );
    });
    this.reconnectDelayMs = RECONNECT_MIN_DELAY_MS;
    if (this.capacity) this.sendCapacity();
    return workerId;
  }

  private handle(message: ServerMessage): void {
    const { log } = this.options;
    switch (message.message.case) {
      case 'register': {
        this.workerId = message.message.value.workerId;
        log.info(
          { workerId: this.workerId, agentName: this.options.agentName },
          'registered with LiveKit',
        );
        this.pendingRegister?.resolve(this.workerId);
        this.pendingRegister = undefined;
        return;
      }
      case 'availability':
        this.answerOffer(message.message.value);
        return;
      case 'assignment':
        this.assign(message.message.value);
        return;
      case 'termination': {
        const { jobId } = message.message.value;
        log.info({ jobId }, 'job terminated by LiveKit');
        this.options.onJobTerminated(jobId);
        return;
      }
      case 'pong':
      case undefined:
        return;
      default: {
        const unknown: never = message.message;
        log.debug({ message: String(unknown) }, 'unknown agent server message');
      }
    }
  }

  private answerOffer(request: AvailabilityRequest): void {
    const job = request.job;
    if (!job) return;
    const offered: OfferedJob = {
      id: job.id,
      dispatchId: job.dispatchId,
      roomName: job.room?.name ?? '',
      metadata: job.metadata,
      agentName: job.agentName,
    };
    let answer: OfferAnswer;
    try {
      answer = this.options.onJobOffered(offered);
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, 'job offer handler failed; declining');
      answer = { accept: false };
    }
    const response = new AvailabilityResponse(
      answer.accept
        ? {
            jobId: job.id,
            available: true,
            participantIdentity: answer.identity,
            participantName: answer.name,
          }
        : { jobId: job.id, available: false },
    );
    this.send(new WorkerMessage({ message: { case: 'availability', value: response } }));
  }

  private assign(assignment: JobAssignment): void {
    const job = assignment.job;
    if (!job) return;
    const assigned: AssignedJob = {
      id: job.id,
      dispatchId: job.dispatchId,
      roomName: job.room?.name ?? '',
      metadata: job.metadata,
      token: assignment.token,
      url: assignment.url || this.options.url,
    };
    this.options.log.info({ jobId: job.id, roomName: assigned.roomName }, 'job assigned');
    this.options.onJobAssigned(assigned).catch((error: unknown) => {
      this.options.log.error({ err: error, jobId: job.id }, 'job failed to start');
      this.jobStatus(job.id, 'failed', error instanceof Error ? error.message : String(error));
    });
  }

  private sendCapacity(): void {
    if (!this.capacity) return;
    this.send(
      new WorkerMessage({
        message: { case: 'updateWorker', value: workerStatusMessage(this.capacity) },
      }),
    );
    this.sentCapacity = { ...this.capacity };
  }

  private send(message: WorkerMessage): void {
    if (!this.connection) {
      this.options.log.debug(
        { case: message.message.case },
        'agent message dropped: not connected',
      );
      return;
    }
    this.connection.send(message);
  }

  private handleClose(connection: AgentConnection, reason: string): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.workerId = undefined;
    this.pendingRegister?.reject(new Error(`agent socket closed before registration: ${reason}`));
    this.pendingRegister = undefined;
    if (this.stopped) {
      this.onClosed?.();
      this.onClosed = undefined;
      return;
    }
    this.options.log.warn({ reason }, 'LiveKit agent connection lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delayMs = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(RECONNECT_MAX_DELAY_MS, delayMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().then(
        (workerId) => this.options.log.info({ workerId }, 'reconnected to LiveKit'),
        (error: unknown) => {
          this.options.log.warn(
            { err: error, delayMs: this.reconnectDelayMs },
            'agent reconnect failed',
          );
          if (!this.connection) this.scheduleReconnect();
        },
      );
    }, delayMs);
  }
}
