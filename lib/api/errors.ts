/**
 * One error type for the whole API: a code, a user-facing message, and the HTTP status the
 * code maps to. Anything else becomes a generic 500 with the detail only in the log.
 */
import { z, ZodError } from 'zod';
import { log } from '@/lib/log/logger';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '@/lib/db/database-unavailable';

/**
 * Every error code the API answers with, in `error.code` of the JSON error body. One enum for
 * the whole API: the OpenAPI document lists it (the shared `Error` schema), clients switch on it.
 */
export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'insufficient_scope',
  'not_found',
  'conflict',
  'no_capacity',
  'room_full',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'quota_exceeded',
  'unavailable',
  'insufficient_storage',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The HTTP status each code is answered with. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  /** Logged in, but not allowed (a disabled account, a non-admin on an admin route). */
  forbidden: 403,
  /** An API key without the scope the route needs (details: missingScopes). */
  insufficient_scope: 403,
  not_found: 404,
  conflict: 409,
  /** A booking that would take more of the pool than it can run at some instant. */
  no_capacity: 409,
  /** A room that already has its maximum of viewers. */
  room_full: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  /** Too many requests from one caller (details: retryAfterSeconds; Retry-After header). */
  rate_limited: 429,
  /** A user's quota is used up (details: limit, used, resetsAt). */
  quota_exceeded: 429,
  unavailable: 503,
  /** The data directory's disk is full: nothing was stored. */
  insufficient_storage: 507,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export class ApiError extends Error {
  /**
   * @param details more fields of the error object, for clients that act on them
   *   (e.g. `nextFreeStart` of a booking refused for capacity)
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) =>
  new ApiError('not_found', `${what} not found. Check the id; it may have been deleted.`);

/**
 * The body of every error response: `code` from ErrorCode, a message for people, `issues` for
 * a request that failed validation (422), and more fields some codes carry (e.g.
 * `retryAfterSeconds` of `rate_limited`, `nextFreeStart` of `no_capacity`).
 */
export const errorBodySchema = z.object({
  error: z
    .object({
      code: ErrorCode,
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    })
    .passthrough(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Whether an error (or one it was caused by) is a full disk or an exhausted quota. */
export function isDiskFull(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return code === 'ENOSPC' || code === 'EDQUOT' || isDiskFull(cause, depth + 1);
}

/** Turns any thrown value into a JSON error response. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    const body: ErrorBody = {
      error: { ...error.details, code: error.code, message: error.message },
    };
    return Response.json(body, { status: error.status, headers: error.headers });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    const body: ErrorBody = {
      error: { code: 'unprocessable', message: `Invalid request: ${summary}`, issues },
    };
    return Response.json(body, { status: 422 });
  }
  if (isDiskFull(error)) {
    log.error({ err: error }, 'the data directory is full; answered 507');
    const body: ErrorBody = {
      error: {
        code: 'insufficient_storage',
        message:
          'The server has no room left to store this. Nothing was saved; try again later (an operator must free disk space).',
      },
    };
    return Response.json(body, { status: 507 });
  }
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error }, 'database unavailable; answered 503');
    const body: ErrorBody = {
      error: {
        code: 'unavailable',
        message: `The database is unavailable for a moment (restarting or unreachable). Try again in ${DATABASE_RETRY_AFTER_S} seconds.`,
      },
    };
    return Response.json(body, {
      status: 503,
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
    });
  }
  log.error({ err: error }, 'unhandled api error');
  const body: ErrorBody = {
    error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' },
  };
  return Response.json(body, { status: 500 });
}

/** Largest JSON body the API reads, bytes: every JSON request is far smaller. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;

/**
 * The body's bytes, refused as soon as they pass `maxBytes` (with `tooLarge()`, by default a
 * generic 413): a streamed body is read chunk by chunk and never held whole when too large.
 */
export async function readBytes(
  request: Request,
  maxBytes: number,
  tooLarge: () => ApiError = () =>
    new ApiError(
      'payload_too_large',
      `The request body is larger than ${maxBytes} bytes; send less at once.`,
    ),
): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as text, refused with 413 as soon as it passes `maxBytes` (see readBytes). */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  return (await readBytes(request, maxBytes)).toString('utf8');
}

/**
 * A multipart body as FormData, read with readBytes first so a streamed (chunked) body is cut
 * at `maxBytes` with `tooLarge()` instead of being buffered whole by `request.formData()`.
 */
export async function readForm(
  request: Request,
  maxBytes: number,
  tooLarge: () => ApiError,
  unreadable: string,
): Promise<FormData> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data'))
    throw new ApiError('bad_request', unreadable);
  const body = await readBytes(request, maxBytes, tooLarge);
  try {
    return await new Response(new Uint8Array(body), {
      headers: { 'content-type': type },
    }).formData();
  } catch {
    throw new ApiError('bad_request', unreadable);
  }
}

/** Parses a JSON request body, with a clear error for malformed JSON and 413 past 1 MiB. */
export async function readJson(
  request: Request,
  maxBytes: number = JSON_BODY_MAX_BYTES,
): Promise<unknown> {
  const text = await readText(request, maxBytes);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad_request', 'The request body is not valid JSON.');
  }
  if (holdsNul(value))
    throw new ApiError(
      'unprocessable',
      'Text in the request may not contain the NUL character (\\u0000); remove it and send again.',
    );
  return value;
}

/**
 * 422 when the URL (path or query) holds an encoded NUL: ids and search text reach the
 * database, which cannot compare text holding U+0000 (schemathesis found a 500 that way).
 */
export function assertNoNulInUrl(request: Request): void {
  if (/%00/.test(request.url))
    throw new ApiError(
      'unprocessable',
      'The address may not contain the NUL character (%00); remove it and send again.',
    );
}

/** Whether a string (or key) anywhere in a parsed JSON value holds U+0000, which the database cannot store. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 100 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  return Object.entries(value).some(
    ([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1),
  );
}
