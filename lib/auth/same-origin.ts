/**
 * Cross-site request forgery guard for writes made with the login cookie. A browser attaches
 * the cookie to any request a page on another site makes (a form post, a `text/plain` fetch);
 * it also names that page's origin in `Origin`, which the page cannot change. Writes with the
 * cookie must therefore come from this site's own pages (Origin's host = the request's host),
 * with a content type a cross-site form cannot send without a preflight, or multipart.
 * API-key requests are not affected: a page on another site cannot know the key.
 */
import { ApiError } from '@/lib/api/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Body types the app's pages send; `text/plain` and url-encoded forms are refused. */
const WRITE_TYPES = new Set([
  'application/json',
  'multipart/form-data',
  'application/octet-stream',
]);

/** The host the browser addressed: a proxy's `X-Forwarded-Host` first, else `Host`. */
export function requestHost(request: Request): string | null {
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return forwarded || request.headers.get('host');
}

function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  if (length !== null) return Number(length) > 0;
  return request.headers.has('transfer-encoding');
}

/** Throws 403 `forbidden` (foreign or missing Origin) or 415 (a form-like body type). */
export function assertSameOriginWrite(request: Request): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const origin = request.headers.get('origin');
  const host = requestHost(request);
  let sameOrigin = false;
  if (origin && host) {
    try {
      sameOrigin = new URL(origin).host === host;
    } catch {
      sameOrigin = false;
    }
  }
  if (!sameOrigin) {
    throw new ApiError(
      'forbidden',
      origin
        ? `Refused: this change was sent with your login from another site (${origin.slice(0, 100)}). Make it from this site's own pages, or send "Authorization: Bearer <API key>" from a script.`
        : 'Refused: a change made with the login cookie must carry the Origin header of this site (browsers send it). Scripts should send "Authorization: Bearer <API key>" instead.',
    );
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === '' && !hasBody(request)) return;
  if (!WRITE_TYPES.has(type)) {
    throw new ApiError(
      'unsupported_media_type',
      `Send the body as application/json (or multipart/form-data for uploads), not ${type || 'without a Content-Type'}.`,
    );
  }
}
