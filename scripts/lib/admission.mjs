/**
 * Load shedding for the public REST API (decision 029). The app is one Node.js process; past a
 * certain number of API calls in progress, each new one only waits longer in its queues (the
 * database's lock, the event loop) and delays everything behind it, including the worker
 * hosts' reports. So past FACECAST_APP_MAX_INFLIGHT calls to `/api/v1/` in progress, a new one
 * is answered at once with 503 and `Retry-After: 1`, as the API reference documents.
 *
 * Only `/api/v1/` is counted and refused: its clients are programs that read `Retry-After`.
 * Pages, the viewer's and the widget's calls, the worker hosts' and LiveKit's calls (the pool's
 * control plane) and the health check are always served.
 *
 * Below that maximum the limit adapts to the time admitted calls take
 * (FACECAST_APP_LATENCY_TARGET_MS, scripts/lib/adaptive-limit.mjs, decision 030).
 *
 * A call that only waits (a session start waiting for a host to report it live) steps aside:
 * the server runs each call with `runAdmitted`, and `stepAside()` inside it stops counting that
 * call, so waiting calls do not fill the limit while the app has nothing to do.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { adaptiveLimit } from './adaptive-limit.mjs';

/** Largest request body read and dropped with a refusal (keeps the connection), bytes. */
const MAX_DRAINED_BYTES = 64 * 1024;

/** @param {string | undefined} url */
function isPublicApi(url) {
  try {
    // Resolved as a URL, so `/api/internal/../v1/avatars` is the route it really names.
    return new URL(url ?? '/', 'http://app.invalid').pathname.startsWith('/api/v1/');
  } catch {
    return false;
  }
}

/**
 * @param {number} limit API calls in progress past which new ones are refused (0: no limit)
 * @param {number} [latencyTargetMs] with a limit, adapt it below `limit` to keep the slowest
 *   tenth of admitted calls within this (scripts/lib/adaptive-limit.mjs); 0 or none: fixed
 * @returns {((request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => boolean) & { readonly limit: number }}
 *   a gate: true when the request may go on (it is counted until its response closes), false
 *   when it was answered with 503; `limit` is the limit it applies now
 */
export function admissionGate(limit, latencyTargetMs = 0) {
  const adaptive = adaptiveLimit(Math.max(1, limit), latencyTargetMs);
  let inFlight = 0;
  /** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
  const gate = (request, response) => {
    if (limit === 0 || !isPublicApi(request.url)) return true;
    if (inFlight >= adaptive.current) {
      adaptive.refused();
      refuse(request, response);
      return false;
    }
    inFlight += 1;
    const admittedAt = performance.now();
    const admittedIn = adaptive.epoch;
    let counted = true;
    /** @param {boolean} steppedAside the call only waits from now on: its time says nothing */
    const release = (steppedAside) => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
      if (!steppedAside) adaptive.finished(performance.now() - admittedAt, admittedIn);
    };
    releases.set(response, () => release(true));
    response.once('close', () => release(false));
    return true;
  };
  return Object.defineProperty(gate, 'limit', { get: () => (limit === 0 ? 0 : adaptive.current) });
}

/** @type {WeakMap<import('node:http').ServerResponse, () => void>} */
const releases = new WeakMap();
/** @type {AsyncLocalStorage<() => void>} */
const admitted = new AsyncLocalStorage();

/**
 * Runs an admitted call's handler so that `stepAside()` inside it knows which call it is.
 * @template T
 * @param {import('node:http').ServerResponse} response
 * @param {() => T} handler
 * @returns {T}
 */
export function runAdmitted(response, handler) {
  const release = releases.get(response);
  return release ? admitted.run(release, handler) : handler();
}

/** The call this runs in stops counting against the limit (it only waits from now on). */
export function stepAside() {
  admitted.getStore()?.();
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
function refuse(request, response) {
  const message =
    'The server is busy with other requests right now. Try again in a second (see Retry-After).';
  const body = JSON.stringify({ error: { code: 'unavailable', message } });
  // A small body is read and dropped so the connection stays open for the client's next call:
  // a busy Node.js server accepts only one new connection per turn of its event loop. A large
  // or streamed one is not read; the connection closes after the answer.
  const length = Number(request.headers['content-length'] ?? 0);
  if (request.headers['transfer-encoding'] === undefined && length <= MAX_DRAINED_BYTES)
    request.resume();
  else response.shouldKeepAlive = false;
  response.writeHead(503, {
    'retry-after': '1',
    'content-type': 'application/json',
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
