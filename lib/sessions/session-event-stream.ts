/**
 * `GET /api/v1/sessions/:id/events` as a Server-Sent Events stream: first the session's
 * current state, then every event as it is stored (`id:` the stored event's number, `event:`
 * its type, `data:` its JSON). A client that reconnects with `Last-Event-ID` gets what it
 * missed. Streams wake on the in-process bus and also poll, so several app instances work;
 * a comment line every 15 s keeps proxies from closing an idle stream. The stream ends soon
 * after the session does.
 */
import type { PrismaClient, SessionEvent } from '@prisma/client';
import { onSessionEvents } from './session-event-bus';
import { log } from '@/lib/log/logger';

const POLL_MS = 1_000;
const KEEPALIVE_MS = 15_000;
const BATCH = 200;

export interface SessionEventStreamOptions {
  prisma: PrismaClient;
  sessionId: string;
  /** Resume after this stored event (the Last-Event-ID header); absent: from now on. */
  afterId?: number;
  /** The request's signal: the client went away. */
  signal: AbortSignal;
}

/** One Server-Sent Event; `data` is one line of JSON. */
export function formatServerSentEvent(event: { id?: number; type: string; data: unknown }) {
  const id = event.id !== undefined ? `id: ${event.id}\n` : '';
  return `${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The stored event as clients see it: its fields, its type and when it happened (epoch ms). */
function eventData(event: SessionEvent) {
  const fields = typeof event.data === 'object' && event.data !== null ? event.data : {};
  return { type: event.type, ...fields, at: event.at.getTime() };
}

export function sessionEventStream(options: SessionEventStreamOptions): ReadableStream<Uint8Array> {
  const { prisma, sessionId, signal } = options;
  const encoder = new TextEncoder();
  let wake: (() => void) | undefined;
  // Set when the bus rings while the loop is querying rather than waiting, so that wake-up
  // is not lost (the stream would otherwise wait for the next poll).
  let rung = false;
  const ring = () => {
    rung = true;
    wake?.();
  };
  let cancelled = false;
  const over = () => cancelled || signal.aborted;
  const unsubscribe = onSessionEvents(sessionId, ring);

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      const close = () => {
        unsubscribe();
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      signal.addEventListener('abort', ring, { once: true });
      try {
        // Gone meanwhile (its avatar or account deleted): nothing more will ever come.
        const session = await prisma.session.findUnique({ where: { id: sessionId } });
        if (!session) {
          close();
          return;
        }
        let lastId =
          options.afterId ??
          (
            await prisma.sessionEvent.findFirst({
              where: { sessionId },
              orderBy: { id: 'desc' },
              select: { id: true },
            })
          )?.id ??
          0;
        send('retry: 2000\n\n');
        if (options.afterId === undefined) {
          send(
            formatServerSentEvent({ type: 'state', data: { type: 'state', state: session.state } }),
          );
        }
        let lastSentAt = Date.now();
        let endedChecks = 0;
        while (!over()) {
          rung = false;
          const events = await prisma.sessionEvent.findMany({
            where: { sessionId, id: { gt: lastId } },
            orderBy: { id: 'asc' },
            take: BATCH,
          });
          for (const event of events) {
            send(formatServerSentEvent({ id: event.id, type: event.type, data: eventData(event) }));
            lastId = event.id;
            lastSentAt = Date.now();
          }
          if (events.length === BATCH) continue;
          const row = await prisma.session.findUnique({
            where: { id: sessionId },
            select: { status: true },
          });
          if (!row) break;
          // Ended: one more round for events still on their way, then the stream ends.
          if (row.status === 'ended' || row.status === 'failed') {
            if (++endedChecks > 1) break;
          }
          if (Date.now() - lastSentAt >= KEEPALIVE_MS) {
            send(': keep-alive\n\n');
            lastSentAt = Date.now();
          }
          await new Promise<void>((resolve) => {
            if (rung || over()) {
              resolve();
              return;
            }
            const timer = setTimeout(resolve, POLL_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      } catch (error) {
        // The response has started: end it properly (the client reconnects after `retry`
        // with Last-Event-ID) rather than breaking the chunked body.
        if (!over()) log.warn({ err: error, sessionId }, 'session event stream failed');
      }
      close();
    },
    cancel() {
      cancelled = true;
      unsubscribe();
      ring();
    },
  });
}
