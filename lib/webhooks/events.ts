/** The events an account's webhook endpoints can subscribe to (docs/webhooks.md). */
export const WEBHOOK_EVENTS = [
  'session.started',
  'session.ended',
  'transcript.ready',
  'avatar.ready',
  'avatar.failed',
  'booking.created',
  'booking.updated',
  'booking.cancelled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What one delivery's body is: the Standard Webhooks shape. */
export interface WebhookPayload {
  type: WebhookEvent;
  /** ISO 8601, when the event happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Wait before the n-th retry, ms: exponential-ish, then every 10 h. Retries stop
 * RETRY_WINDOW_MS after the first attempt; the last one is made at that instant.
 */
export const RETRY_DELAYS_MS = [
  5 * SECOND_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
] as const;
/** How long after its first attempt a delivery is retried, ms. */
export const RETRY_WINDOW_MS = 24 * HOUR_MS;

/**
 * When to try a delivery again after its `attempts`-th attempt failed at `now`, or null when
 * the 24 h since `firstAttemptAt` are over (the delivery has failed).
 */
export function nextRetryAt(options: {
  attempts: number;
  firstAttemptAt: Date;
  now: Date;
}): Date | null {
  const deadlineMs = options.firstAttemptAt.getTime() + RETRY_WINDOW_MS;
  if (options.now.getTime() >= deadlineMs) return null;
  const delayMs =
    RETRY_DELAYS_MS[Math.min(options.attempts, RETRY_DELAYS_MS.length) - 1] ?? RETRY_DELAYS_MS[0];
  return new Date(Math.min(options.now.getTime() + delayMs, deadlineMs));
}
