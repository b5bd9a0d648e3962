/**
 * Forwards the conversation events of this host's sessions to the app
 * (protocol/session-events.ts), in order, as soon as they happen: one request in flight,
 * everything that arrived meanwhile goes in the next. An unreachable app is retried with a
 * growing pause; events wait in a bounded queue (the oldest go first when it overflows, and
 * that is logged), so a long outage costs memory it can spare, not the session.
 */
import type { Logger } from '../log';
import {
  SESSION_EVENTS_PATH,
  type ReportedSessionEvent,
  type SessionEvent,
} from '../../protocol/session-events';
import { randomUUID } from 'node:crypto';

export interface SessionEventSenderOptions {
  appUrl: string;
  workerSecret: string;
  log: Logger;
  /** Most events kept while the app is unreachable. */
  maxQueued?: number;
  /** Pause after a failed send, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

const BATCH_MAX = 500;

export class SessionEventSender {
  private queue: ReportedSessionEvent[] = [];
  private sending = false;
  private failures = 0;
  private dropped = 0;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idle: (() => void) | undefined;

  constructor(private readonly options: SessionEventSenderOptions) {}

  /** Queues one event of a session and sends it at once unless a send is in flight. */
  add(sessionId: string, event: SessionEvent, at = Date.now()): void {
    if (this.closed) return;
    this.queue.push({ sessionId, id: randomUUID(), at, event });
    const max = this.options.maxQueued ?? 10_000;
    if (this.queue.length > max) {
      this.dropped += this.queue.length - max;
      this.queue.splice(0, this.queue.length - max);
    }
    if (!this.retryTimer) void this.flush();
  }

  /** Sends what is queued (one last try) and stops. */
  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.sending) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.flush();
    this.closed = true;
  }

  private async flush(): Promise<void> {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const batch = this.queue.slice(0, BATCH_MAX);
    let ok = false;
    try {
      ok = await this.send(batch);
    } finally {
      this.sending = false;
    }
    if (ok) {
      this.queue.splice(0, batch.length);
      if (this.failures > 0)
        this.options.log.info({ dropped: this.dropped }, 'session events reach the app again');
      this.failures = 0;
      this.dropped = 0;
    } else {
      this.failures++;
    }
    const idle = this.idle;
    this.idle = undefined;
    idle?.();
    if (this.closed || this.queue.length === 0) return;
    if (ok) {
      void this.flush();
      return;
    }
    const base = this.options.retryMs ?? 250;
    const delay = Math.min(this.options.maxRetryMs ?? 5_000, base * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, delay);
    this.retryTimer.unref();
  }

  private async send(events: ReportedSessionEvent[]): Promise<boolean> {
    try {
      const response = await fetch(new URL(SESSION_EVENTS_PATH, this.options.appUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.workerSecret}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`app answered ${response.status}`);
      await response.body?.cancel();
      return true;
    } catch (error) {
      if (this.failures === 0) {
        this.options.log.warn(
          { err: error, appUrl: this.options.appUrl, queued: this.queue.length },
          'cannot send session events to the app; retrying',
        );
      }
      return false;
    }
  }
}
