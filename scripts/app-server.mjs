#!/usr/bin/env node
/**
 * The app's production server: Next.js's request handler behind a Node HTTP server that
 * sheds load past a number of requests in progress (scripts/lib/admission.mjs) and decides
 * the client's address first (scripts/lib/client-address.mjs). With no trusted proxy
 * the forwarding headers a client sent are dropped, so rate limits per IP and same-origin
 * checks see the connection as it is.
 *
 *   node scripts/app-server.mjs --port 3000 --hostname 0.0.0.0
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLatencyTargetMs } from './lib/adaptive-limit.mjs';
import { admissionGate, parseMaxInFlight, runAdmitted, stepAside } from './lib/admission.mjs';
import { clientAddress, parseTrustedProxies } from './lib/client-address.mjs';
import { directApi } from './lib/direct-api.mjs';
import { noteReportArrival } from './lib/host-arrival.mjs';
import { repoRoot } from './lib/repo.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    hostname: { type: 'string', default: '0.0.0.0' },
  },
});
const port = Number(values.port);
const hostname = values.hostname ?? '0.0.0.0';
const trustedProxies = parseTrustedProxies(process.env.FACECAST_TRUSTED_PROXIES);
const admit = admissionGate(
  parseMaxInFlight(process.env.FACECAST_APP_MAX_INFLIGHT),
  parseLatencyTargetMs(process.env.FACECAST_APP_LATENCY_TARGET_MS),
);
// An operator sees when the app takes on fewer API calls than its maximum, and when it is back.
let loggedLimit = admit.limit;
setInterval(() => {
  if (admit.limit === loggedLimit) return;
  loggedLimit = admit.limit;
  console.log(`app: taking on ${loggedLimit} REST API calls at once (decision 030)`);
}, 5_000).unref();
// Route code (bundled by Next.js) reaches the gate through this (lib/api/step-aside.ts).
Object.assign(globalThis, { facecastStepAside: stepAside });

// As `next start` does: production React and Next.js, whatever the caller's environment.
process.env.NODE_ENV = 'production';
const { default: next } = await import('next');
const app = next({ dev: false, dir: repoRoot, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
// API-key calls to /api/v1 skip Next.js's request handling (decision 031); 0 turns it off.
const direct =
  process.env.FACECAST_APP_DIRECT_API === '0'
    ? () => false
    : directApi({ distDir: path.join(repoRoot, '.next'), nextHandler: handle });

/**
 * Methods no page or route handler answers. Next.js fails on TRACE with a 500 page (found by
 * schemathesis, `npm test -- --only api-schema`); they are refused here with 405 instead.
 */
const REFUSED_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT']);
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

const server = http.createServer((request, response) => {
  if (REFUSED_METHODS.has(request.method ?? '')) {
    response.writeHead(405, { allow: ALLOWED_METHODS, 'content-length': '0' }).end();
    return;
  }
  // A worker host's report is proof of life as soon as it arrives (scripts/lib/host-arrival.mjs).
  noteReportArrival(request, process.env.WORKER_SECRET);
  // Past the API calls it takes on at once: 503 at once (scripts/lib/admission.mjs).
  if (!admit(request, response)) return;
  request.headers['x-forwarded-for'] = clientAddress(
    request.headers['x-forwarded-for'],
    request.socket.remoteAddress,
    trustedProxies,
  );
  if (trustedProxies === 0) {
    // Only a proxy the operator named may say which host and scheme the browser used.
    delete request.headers['x-forwarded-host'];
    delete request.headers['x-forwarded-proto'];
  }
  runAdmitted(response, async () => {
    await (direct(request, response) || handle(request, response));
  }).catch((error) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500).end();
  });
});
// Like `next start`: keep idle keep-alive connections a little longer than common proxies do.
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`app listening on http://${hostname}:${port}`);
});

/**
 * The database the app opened (lib/db/db.ts keeps it on globalThis), closed before exiting: the
 * embedded one runs on a thread of its own (decision 032), which exiting would stop wherever it
 * is; closed, it finishes its queries and shuts PostgreSQL down cleanly.
 */
async function closeDatabase() {
  const opened = /** @type {{ facecastDb?: Promise<{ close(): Promise<void> }> }} */ (globalThis)
    .facecastDb;
  if (!opened) return;
  try {
    await (await opened).close();
  } catch (error) {
    console.error('app: closing the database on exit failed:', error);
  }
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => void closeDatabase().finally(() => process.exit(0)));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
