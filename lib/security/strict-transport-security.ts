/**
 * Strict-Transport-Security for an installation served over https (APP_URL https://): once a
 * browser has seen it, it never asks this host over plain http again, so a network attacker
 * cannot strip TLS from a later visit. Not sent for http installations (local use, tests),
 * where it would be ignored anyway and would only confuse.
 */

/** One year, the usual preload-list minimum; s. */
export const HSTS_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The header's value for this APP_URL, or null when the app is not served over https. */
export function strictTransportSecurity(appUrl: string): string | null {
  let protocol: string;
  try {
    protocol = new URL(appUrl).protocol;
  } catch {
    return null;
  }
  return protocol === 'https:' ? `max-age=${HSTS_MAX_AGE_S}` : null;
}
