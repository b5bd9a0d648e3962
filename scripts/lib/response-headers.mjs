/**
 * Response headers the app sets by path, in one place: next.config.js gives them to what
 * Next.js answers, and the direct API path (scripts/lib/direct-api.mjs) to what it answers.
 */

/** Every answer. */
export const SITE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/**
 * Answers under /api/: data, never pages: nothing to load, nobody may frame them. Pages get
 * their policy from middleware.ts (it depends on the request: the widget's frame).
 */
export const API_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};
