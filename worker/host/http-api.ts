/**
 * The worker host's HTTP API (JSON over node:http): health for load balancers, Prometheus
 * metrics, and session start/stop/list guarded by the shared worker secret (operators and
 * tests; the app places sessions through LiveKit agent dispatch).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { carriesWorkerSecret } from '../../scripts/lib/worker-secret.mjs';
import type { Logger } from '../log';
import { sessionRequestSchema } from '../../protocol/session-request';
import { ApiError } from './api-error';
import type { SessionSupervisor } from './session-supervisor';

/** Largest accepted request body; a session request with 468 landmarks is ~20 KB. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpApiOptions {
  supervisor: SessionSupervisor;
  hostId: string;
  secret: string;
  log: Logger;
  /** Prometheus exposition for GET /metrics (unauthenticated, like most exporters). */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

export function createHttpApi(options: HttpApiOptions): Server {
  const { supervisor, log } = options;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://worker');
    const method = req.method ?? 'GET';

    if (url.pathname === '/health') {
      if (method !== 'GET') throw new ApiError('method_not_allowed', 'use GET');
      return sendJson(res, 200, {
        status: 'ok',
        hostId: options.hostId,
        capacity: supervisor.capacity,
        active: supervisor.active,
      });
    }

    if (url.pathname === '/metrics' && options.metrics) {
      if (method !== 'GET') throw new ApiError('method_not_allowed', 'use GET');
      const { contentType, body } = await options.metrics();
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }

    if (url.pathname === '/sessions' || url.pathname.startsWith('/sessions/')) {
      authorize(req, options.secret);
      if (url.pathname === '/sessions') {
        if (method === 'GET') return sendJson(res, 200, { sessions: supervisor.list() });
        if (method === 'POST') {
          const body = sessionRequestSchema.parse(await readJson(req));
          const session = await supervisor.start(body);
          return sendJson(res, 201, session);
        }
        throw new ApiError('method_not_allowed', 'use GET or POST');
      }
      const sessionId = decodeURIComponent(url.pathname.slice('/sessions/'.length));
      if (method === 'GET') {
        const session = supervisor.get(sessionId);
        if (!session) throw new ApiError('not_found', 'no such session');
        return sendJson(res, 200, session);
      }
      if (method !== 'DELETE') throw new ApiError('method_not_allowed', 'use GET or DELETE');
      if (!(await supervisor.stop(sessionId))) throw new ApiError('not_found', 'no such session');
      res.writeHead(204).end();
      return;
    }

    throw new ApiError('not_found', 'no such route');
  };

  return createServer((req, res) => {
    const started = performance.now();
    route(req, res)
      .catch((error: unknown) => sendError(res, error, log))
      .finally(() => {
        log.debug(
          {
            method: req.method,
            path: req.url?.split('?')[0],
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          'http request',
        );
      });
  });
}

/** The shared worker secret, compared in constant time (scripts/lib/worker-secret.mjs). */
function authorize(req: IncomingMessage, secret: string): void {
  if (!carriesWorkerSecret(req.headers.authorization, secret)) {
    throw new ApiError('unauthorized', 'missing or wrong worker secret');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError('payload_too_large', 'request body too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError('invalid_request', 'request body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Every error becomes a JSON response here; unknown errors are logged, never echoed. */
function sendError(res: ServerResponse, error: unknown, log: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ZodError) {
    return sendJson(res, 422, {
      error: {
        code: 'invalid_request',
        message: 'request body does not match the session request schema',
        issues: error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      },
    });
  }
  if (error instanceof ApiError) {
    return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
  }
  log.error({ err: error }, 'http handler failed');
  sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
}
