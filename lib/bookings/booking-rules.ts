/**
 * The limits a booking must keep, shared by the API schemas, the services and the docs.
 */

/** Longest booking (ms): 8 hours. */
export const MAX_BOOKING_MS = 8 * 3_600_000;
/** Shortest booking (ms): 1 minute. */
export const MIN_BOOKING_MS = 60_000;
/** How far ahead a booking may start (ms): one year. */
export const MAX_LEAD_MS = 366 * 24 * 3_600_000;
/** A start this far in the past still counts as "now" (clock skew between client and server). */
export const START_SKEW_MS = 60_000;
/** How far past the requested start a refusal looks for the next free one (ms): 14 days. */
export const NEXT_FREE_HORIZON_MS = 14 * 24 * 3_600_000;
export const MAX_TITLE_CHARS = 120;
export const MAX_VIEWERS_LIMIT = 1_000;
/** Viewers allowed when the request names none, by kind. */
export const DEFAULT_MAX_VIEWERS = { private: 10, broadcast: 100 } as const;
