/**
 * The app's host report endpoint for integration tests that run lib/ against a test
 * database without the Next.js server: the same checks as the route (worker secret, schema)
 * and the same domain function (`recordHostReport`), served over real HTTP so worker hosts
 * report to it exactly as they report to the app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import { HOST_REPORT_PATH, hostReportSchema } from '../../../protocol/host-report';

export interface ReportEndpoint {
  /** Base URL to give worker hosts as FACECAST_APP_URL. */
  url: string;
  /** Reports received so far. */
  count(): number;
  close(): Promise<void>;
}

export async function startReportEndpoint(options: {
  prisma: () => PrismaClient;
  workerSecret: string;
  dataDir?: string;
}): Promise<ReportEndpoint> {
  const { recordHostReport } = await import('../../../lib/workers/record-host-report');
  let received = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== HOST_REPORT_PATH) {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.workerSecret}`) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const report = hostReportSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      received++;
      const answer = await recordHostReport(options.prisma(), report, {
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })().catch((error: unknown) => {
      process.stderr.write(`report endpoint: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
