/**
 * The caller's address, for per-IP limits. The app server (scripts/app-server.mjs) replaces
 * `X-Forwarded-For` with the one address it trusts (the socket's peer, or what the trusted
 * proxies vouch for: FACECAST_TRUSTED_PROXIES), so the first entry is that address.
 */
export function clientIp(headers: Pick<Headers, 'get'>): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}
