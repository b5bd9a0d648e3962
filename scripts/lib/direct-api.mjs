/**
 * REST API calls with an API key go straight to their route handler (decision 031): the
 * handler Next.js built (`.next/server/app/api/v1/…/route.js`, the same module instance Next.js
 * itself loads), called with a web Request, its Response written back. Next.js's own request
 * handling costs the app 1.5-1.8 ms of CPU per call even for a route that does nothing, as
 * much as the cheapest route's own work; a burst of 200 calls spent ~0.3 s in it alone.
 *
 * Only the plain case is taken: `/api/v1/` paths a route answers (no catch-all), with
 * `Authorization: Bearer` (the handlers need no cookie or Next.js request context then), a
 * method the route exports, and a path Next.js would not redirect or refuse (no trailing
 * slash, no malformed escapes). Everything else, and every page, goes to Next.js as before.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { API_HEADERS, SITE_HEADERS } from './response-headers.mjs';

const require = createRequire(import.meta.url);

/**
 * What next.config.js gives API answers, and Next.js's caching default for them; names in lower
 * case, as the handler's own headers come, which replace them.
 */
const ANSWER_HEADERS = Object.fromEntries(
  Object.entries({
    ...SITE_HEADERS,
    ...API_HEADERS,
    'Cache-Control': 'private, no-cache, no-store, max-age=0, must-revalidate',
  }).map(([name, value]) => [name.toLowerCase(), value]),
);

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const isDynamic = (/** @type {string} */ segment) => segment.startsWith('[');

/**
 * Route patterns from Next.js's app-paths manifest (`/api/v1/bookings/[id]/route` →
 * `app/api/v1/bookings/[id]/route.js`), ordered as Next.js chooses among routes a path
 * matches: at the first segment where two differ, the fixed one wins (`/sessions/active` over
 * `/sessions/[id]`, `/a/b/[y]` over `/a/[x]/c`).
 * @param {Record<string, string>} manifest
 * @returns {{ segments: string[], file: string }[]}
 */
export function apiRoutes(manifest) {
  return Object.entries(manifest)
    .filter(([page]) => page.startsWith('/api/v1/') && page.endsWith('/route'))
    .map(([page, file]) => ({ segments: page.slice(1, -'/route'.length).split('/'), file }))
    .filter(({ segments }) => !segments.some((s) => s.startsWith('[...') || s.startsWith('[[')))
    .sort((a, b) => {
      for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
        const order = Number(isDynamic(a.segments[i])) - Number(isDynamic(b.segments[i]));
        if (order !== 0) return order;
      }
      return 0;
    });
}

/**
 * The route a pathname is for and its decoded parameters, or null (not an API route, a
 * trailing slash, a malformed escape: Next.js answers those).
 * @param {ReturnType<typeof apiRoutes>} routes
 * @param {string} pathname
 */
export function matchApiRoute(routes, pathname) {
  if (!pathname.startsWith('/api/v1/') || pathname.endsWith('/')) return null;
  const parts = pathname.slice(1).split('/');
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    /** @type {Record<string, string>} */
    const params = {};
    let matched = true;
    for (let i = 0; i < parts.length && matched; i++) {
      const segment = route.segments[i];
      const part = parts[i];
      if (isDynamic(segment)) {
        try {
          params[segment.slice(1, -1)] = decodeURIComponent(part);
        } catch {
          return null;
        }
        if (part === '') matched = false;
      } else if (segment !== part) {
        matched = false;
      }
    }
    if (matched) return { file: route.file, params };
  }
  return null;
}

/**
 * A handler for the app's HTTP server: answers a request itself (a promise settled when it is
 * answered) or returns false for Next.js to answer it. `nextHandler` answers a matched call
 * whose route turns out not to export its method (Next.js then says 405).
 * @param {{ distDir: string, nextHandler: (request: import('node:http').IncomingMessage,
 *   response: import('node:http').ServerResponse) => Promise<unknown> }} options
 *   `distDir`: `.next` of the built app
 */
export function directApi({ distDir, nextHandler }) {
  const serverDir = path.join(distDir, 'server');
  const routes = apiRoutes(require(path.join(serverDir, 'app-paths-manifest.json')));
  /** @type {Map<string, Promise<Record<string, unknown>>>} */
  const handlers = new Map();
  // A route module whose imports use top-level await is a promise of its exports.
  const handlersOf = (/** @type {string} */ file) => {
    let userland = handlers.get(file);
    if (!userland) {
      userland = Promise.resolve(require(path.join(serverDir, file))).then(
        (module) => module.routeModule.userland,
      );
      handlers.set(file, userland);
    }
    return userland;
  };

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @returns {Promise<void> | false}
   */
  return function answer(request, response) {
    const method = request.method ?? 'GET';
    if (!METHODS.has(method)) return false;
    if (!/^Bearer\s/i.test(request.headers.authorization ?? '')) return false;
    const target = request.url ?? '/';
    const query = target.indexOf('?');
    const route = matchApiRoute(routes, query < 0 ? target : target.slice(0, query));
    if (!route) return false;
    return handlersOf(route.file).then(async (userland) => {
      const handler = userland[method];
      if (typeof handler !== 'function') {
        await nextHandler(request, response);
        return;
      }
      await run(/** @type {Function} */ (handler), route.params, request, response).catch(
        (error) => {
          console.error(error);
          if (!response.headersSent) response.writeHead(500).end();
          else response.destroy();
        },
      );
    });
  };
}

/**
 * @param {Function} handler
 * @param {Record<string, string>} params
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
async function run(handler, params, request, response) {
  const aborted = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) aborted.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  // The handlers read only the path and query of the URL; the Host header is passed on as
  // sent, but a malformed one must not make the URL unparsable.
  const webRequest = new Request(`http://localhost${request.url}`, {
    method: request.method,
    headers,
    body: hasBody ? /** @type {ReadableStream} */ (Readable.toWeb(request)) : undefined,
    // @ts-expect-error -- undici's option for a streamed request body
    duplex: hasBody ? 'half' : undefined,
    signal: aborted.signal,
  });
  /** @type {Response} */
  const answer = await handler(webRequest, { params: Promise.resolve(params) });
  if (hasBody && !request.complete) {
    // Answered without reading the whole body (a refusal before an upload is read): the rest
    // is read and dropped, so the client finishes sending, reads the answer, and may use the
    // connection again (as Node.js does for a body nobody started reading).
    request.removeAllListeners('data');
    request.resume();
  }
  /** @type {Record<string, string | string[]>} */
  const out = { ...ANSWER_HEADERS };
  answer.headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  response.writeHead(answer.status, out);
  if (!answer.body) {
    response.end();
    return;
  }
  const reader = answer.body.getReader();
  aborted.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), {
    once: true,
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!response.write(value)) {
      // Until the client takes more, or goes away (listeners removed: a long answer waits often).
      await new Promise((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve(undefined);
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
    if (aborted.signal.aborted) return;
  }
  response.end();
}
