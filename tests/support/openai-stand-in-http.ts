/**
 * Plumbing shared by the OpenAI stand-in's routes (tests only): timing, JSON and OpenAI-style
 * error answers, request bodies and waiting for recorded requests.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';

/** Larger request bodies are refused with 413, in bytes. */
export const MAX_BODY_BYTES = 30 * 1024 * 1024;

/** Payload of every event: which request (index into `requests`) and when. */
export interface StandInEvent {
  index: number;
  at: number;
}
export type StandInEventMap = Record<
  | 'chat.request'
  | 'chat.firstToken'
  | 'chat.sentenceComplete'
  | 'chat.finished'
  | 'chat.closed'
  | 'transcription.request'
  | 'speech.request',
  [StandInEvent]
>;

/** Answers one request whose body has been read whole. */
export type RouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
) => Promise<void>;

/** Epoch ms with sub-millisecond precision, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const FAILURE_STATUS: Record<string, { status: number; type: string; code: string }> = {
  'refuse-401': { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  'http-500': { status: 500, type: 'server_error', code: 'internal_error' },
  'http-429': { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string,
): void {
  sendJson(res, status, { error: { message, type, code } });
}

/**
 * The request body parsed as JSON, or `undefined` after answering 400 `invalid_json` (as the
 * real API does) when it is not JSON.
 */
export function parseJsonBody<T>(res: http.ServerResponse, raw: Buffer): T | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    sendError(
      res,
      400,
      'The request body is not valid JSON',
      'invalid_request_error',
      'invalid_json',
    );
    return undefined;
  }
}

/** A status failure's error; a 401 echoes the Authorization header, as some servers do. */
export function sendFailure(
  res: http.ServerResponse,
  failure: string,
  req: http.IncomingMessage,
): void {
  const spec = FAILURE_STATUS[failure];
  if (!spec) return;
  const message =
    spec.status === 401
      ? `Incorrect API key provided: ${req.headers.authorization ?? '(none)'}`
      : `Stand-in failure ${failure}`;
  sendError(res, spec.status, message, spec.type, spec.code);
}

export function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      // Keep draining so the client can read the 413, but stop keeping the bytes.
      if (total <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(total > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function waitFor<T>(
  events: EventEmitter<StandInEventMap>,
  event: keyof StandInEventMap,
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = check();
    if (done !== undefined) return resolve(done);
    const onEvent = (): void => {
      const value = check();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`stand-in: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      events.off(event, onEvent);
    };
    events.on(event, onEvent);
  });
}
