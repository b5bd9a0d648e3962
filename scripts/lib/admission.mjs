/**
 * Load shedding at the app's door (decision 029). The app is one Node.js process; past a
 * certain number of requests in progress, each new one only waits longer in its queues (the
 * database's lock, the event loop) and delays everything behind it, including the worker
 * hosts' reports: under the API benchmark's 200 clients a report waited more than its 5 s
 * timeout and the app declared a healthy host lost. So past FACECAST_APP_MAX_INFLIGHT
 * requests in progress, a new request is answered at once with 503 and `Retry-After: 1`.
 *
 * Never refused: the worker hosts' and LiveKit's calls (the pool's control plane) and the
 * health check (a load balancer must see a busy app as up).
 */

/** Largest request body read and dropped with a refusal (keeps the connection), bytes. */
const MAX_DRAINED_BYTES = 64 * 1024;

/** Paths a busy app still serves, whatever the load: by prefix, and exact ones. */
const ALWAYS_SERVED_UNDER = ['/api/internal/', '/api/livekit/'];
const ALWAYS_SERVED = new Set(['/api/health']);

/** @param {string | undefined} url */
function alwaysServed(url) {
  let path;
  try {
    // Resolved as a URL, so `/api/internal/../v1/avatars` is the route it really names.
    path = new URL(url ?? '/', 'http://app.invalid').pathname;
  } catch {
    return false;
  }
  return ALWAYS_SERVED.has(path) || ALWAYS_SERVED_UNDER.some((prefix) => path.startsWith(prefix));
}

/**
 * @param {number} limit requests in progress past which new ones are refused (0: no limit)
 * @returns {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => boolean}
 *   true when the request may go on (it is counted until its response closes), false when it
 *   was answered with 503
 */
export function admissionGate(limit) {
  let inFlight = 0;
  return (request, response) => {
    if (limit > 0 && inFlight >= limit && !alwaysServed(request.url)) {
      refuse(request, response);
      return false;
    }
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
    });
    return true;
  };
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
function refuse(request, response) {
  const message =
    'The server is busy with other requests right now. Try again in a second (see Retry-After).';
  const api = (request.url ?? '').startsWith('/api/');
  const body = api
    ? JSON.stringify({ error: { code: 'unavailable', message } })
    : `<!doctype html><title>Busy</title><p>${message}</p>`;
  // A small body is read and dropped so the connection stays open for the client's next call:
  // a busy Node.js server accepts only one new connection per turn of its event loop. A large
  // or streamed one is not read; the connection closes after the answer.
  const length = Number(request.headers['content-length'] ?? 0);
  if (request.headers['transfer-encoding'] === undefined && length <= MAX_DRAINED_BYTES)
    request.resume();
  else response.shouldKeepAlive = false;
  response.writeHead(503, {
    'retry-after': '1',
    'content-type': api ? 'application/json' : 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

/** Default of FACECAST_APP_MAX_INFLIGHT (decision 029: measured with `npm run bench -- api`). */
export const DEFAULT_MAX_INFLIGHT = 32;

/**
 * FACECAST_APP_MAX_INFLIGHT as a whole number ≥ 0 (0: no limit); throws with what to write.
 * @param {string | undefined} value
 */
export function parseMaxInFlight(value) {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_INFLIGHT;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 100_000)
    throw new Error(
      `FACECAST_APP_MAX_INFLIGHT: must be a whole number from 0 (no limit) to 100000 (requests the app works on at once before it answers 503), got "${value}"`,
    );
  return parsed;
}
