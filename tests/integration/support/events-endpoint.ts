/**
 * The app's session-events endpoint for integration tests that run worker hosts without the
 * Next.js server: the same checks as the route (worker secret, schema), recording every
 * event a host forwards, in arrival order. Host reports get an empty answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOST_REPORT_PATH } from '../../../protocol/host-report';
import {
  SESSION_EVENTS_PATH,
  sessionEventBatchSchema,
  type ReportedSessionEvent,
} from '../../../protocol/session-events';

export interface EventsEndpoint {
  /** Base URL to give worker hosts as FACECAST_APP_URL. */
  url: string;
  /** Every event received, with when it arrived (performance.now()). */
  events: (ReportedSessionEvent & { receivedAtMs: number })[];
  close(): Promise<void>;
}

export async function startEventsEndpoint(options: {
  workerSecret: string;
}): Promise<EventsEndpoint> {
  const events: EventsEndpoint['events'] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.headers.authorization !== `Bearer ${options.workerSecret}`) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method === 'POST' && req.url === HOST_REPORT_PATH) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"stop":[]}');
        return;
      }
      if (req.method !== 'POST' || req.url !== SESSION_EVENTS_PATH) {
        res.writeHead(404).end();
        return;
      }
      const batch = sessionEventBatchSchema.parse(JSON.parse(Buffer.concat(chunks).toString()));
      const receivedAtMs = performance.now();
      for (const event of batch.events) events.push({ ...event, receivedAtMs });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ stored: batch.events.length }));
    })().catch((error: unknown) => {
      process.stderr.write(`events endpoint: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
