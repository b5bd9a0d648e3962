/**
 * Forwards the conversation events of this host's sessions to the app
 * (protocol/session-events.ts), in order, as soon as they happen: one request in flight,
 * everything that arrived meanwhile goes in the next. An unreachable app is retried with a
 * growing pause; events wait in a bounded queue (the oldest go first when it overflows, and
 * that is logged), so a long outage costs memory it can spare, not the session.
 *
 * With several app instances (FACECAST_APP_URL a list; they share one database, so any of
 * them stores an event for all) a batch goes to one: the one that took the last batch, or,
 * when it fails, the next in the list, round to the first. Only when every app failed does the
 * batch wait for a retry.
 */
import type { Logger } from '../log';
import {
  SESSION_EVENTS_PATH,
  type ReportedSessionEvent,
  type SessionEvent,
} from '../../protocol/session-events';
import { randomUUID } from 'node:crypto';
import { APP_REQUEST_TIMEOUT_MS } from '../../protocol/host-report';
import { AppChannel } from './app-channel';

export interface SessionEventSenderOptions {
  /** Base URLs of the app instances, in order of preference. */
  appUrls: string[];
  workerSecret: string;
  log: Logger;
  /** Most events kept while the app is unreachable. */
  maxQueued?: number;
  /** Pause after a failed send, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Shared with the host's reporter: one connection per app. */
  channel?: AppChannel;
}

const BATCH_MAX = 500;
/** A batch stays well under the app's 1 MiB JSON limit, bytes of JSON. */
const BATCH_MAX_BYTES = 256 * 1024;

/** The events from the queue's head that fit one request (at least one). */
function takeBatch(queue: ReportedSessionEvent[]): ReportedSessionEvent[] {
  let bytes = 0;
  let count = 0;
  while (count < Math.min(queue.length, BATCH_MAX)) {
    bytes += JSON.stringify(queue[count]).length + 1;
    if (count > 0 && bytes > BATCH_MAX_BYTES) break;
    count++;
  }
  return queue.slice(0, count);
}

export class SessionEventSender {
  private queue: ReportedSessionEvent[] = [];
  private sending = false;
  private failures = 0;
  private dropped = 0;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idle: (() => void) | undefined;
  /** Index in appUrls of the app that took the last batch (tried first). */
  private current = 0;

  private readonly channel: AppChannel;

  constructor(private readonly options: SessionEventSenderOptions) {
    if (options.appUrls.length === 0) throw new Error('SessionEventSender: no app URL');
    this.channel = options.channel ?? new AppChannel();
  }

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
    const batch = takeBatch(this.queue);
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

  /** Whether the batch is done with: one app after the other until one takes it. */
  private async send(events: ReportedSessionEvent[]): Promise<boolean> {
    const { appUrls } = this.options;
    for (let tried = 0; tried < appUrls.length; tried++) {
      const index = (this.current + tried) % appUrls.length;
      const appUrl = appUrls[index]!;
      if (await this.sendTo(appUrl, events, tried === 0)) {
        if (index !== this.current)
          this.options.log.info({ appUrl }, 'session events go to another app instance');
        this.current = index;
        return true;
      }
    }
    return false;
  }

  /**
   * Whether one app is done with the batch: delivered, or refused as invalid (a 4xx other
   * than 401/408/429: sending it again would fail the same way, and would block every later
   * one). `first`: the first app tried for this batch (its failure is logged once per outage).
   */
  private async sendTo(
    appUrl: string,
    events: ReportedSessionEvent[],
    first: boolean,
  ): Promise<boolean> {
    try {
      const status = await this.channel.run(appUrl, async () => {
        const response = await fetch(new URL(SESSION_EVENTS_PATH, appUrl), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.options.workerSecret}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ events }),
          signal: AbortSignal.timeout(APP_REQUEST_TIMEOUT_MS),
        });
        // Read whole (it is small), so the connection goes back to the pool.
        await response.arrayBuffer();
        return response.status;
      });
      if (status >= 400 && status < 500 && ![401, 408, 429].includes(status)) {
        this.options.log.error(
          { status, events: events.length },
          'the app refused session events; they are dropped',
        );
        return true;
      }
      if (status < 200 || status >= 300) throw new Error(`app answered ${status}`);
      return true;
    } catch (error) {
      if (this.failures === 0 && first) {
        this.options.log.warn(
          { err: error, appUrl, queued: this.queue.length },
          'cannot send session events to the app; retrying',
        );
      }
      return false;
    }
  }
}
