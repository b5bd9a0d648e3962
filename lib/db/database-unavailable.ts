/**
 * Whether an error means "the database cannot be reached right now" (PostgreSQL restarting,
 * down, or shutting down connections), as opposed to a bug or bad data. The API answers those
 * with 503 and Retry-After instead of a 500, so clients wait and retry.
 */

/** Connection-level error codes: Node's socket errors, PostgreSQL's and Prisma's. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping).
  '57P01',
  '57P02',
  '57P03',
  // Prisma: can't reach the server, server closed the connection, connection pool timeout.
  'P1001',
  'P1017',
  'P2024',
]);

const UNAVAILABLE_MESSAGES =
  /Connection terminated|Can't reach database server|connection (is )?(closed|refused)|the database system is (starting up|shutting down)|terminating connection due to administrator command|Client has encountered a connection error/i;

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 5;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, originalCode } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalCode?: unknown;
  };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
