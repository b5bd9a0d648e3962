/**
 * The client's address as the app may trust it. Next.js keeps an `X-Forwarded-For` header the
 * client sent (it only fills it in when absent), so a stranger could pick their own address
 * and walk around every per-IP rate limit. The app server therefore rewrites the header before
 * Next.js sees it: with no trusted proxy (the default) it is the socket's peer address; behind
 * N reverse proxies (FACECAST_TRUSTED_PROXIES=N), each of which appends the address it saw,
 * it is the N-th address from the right, the last one a trusted proxy added.
 */

/**
 * @param {string | string[] | undefined} forwardedFor the incoming X-Forwarded-For header(s)
 * @param {string | undefined} peer the socket's remote address
 * @param {number} trustedProxies how many reverse proxies stand in front of the app
 * @returns {string} the client address ('unknown' when there is none)
 */
export function clientAddress(forwardedFor, peer, trustedProxies) {
  const listed = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...listed, peer ?? 'unknown'];
  // The peer is the nearest hop; each trusted proxy vouches for the one before it.
  const index = Math.max(0, chain.length - 1 - trustedProxies);
  return stripMappedIpv4(chain[index] ?? 'unknown');
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so one client has one key. */
function stripMappedIpv4(address) {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * FACECAST_TRUSTED_PROXIES as a whole number ≥ 0 (default 0); throws with what to write.
 * @param {string | undefined} value
 */
export function parseTrustedProxies(value) {
  if (value === undefined || value.trim() === '') return 0;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 10)
    throw new Error(
      `FACECAST_TRUSTED_PROXIES: must be a whole number from 0 to 10 (how many reverse proxies stand in front of the app), got "${value}"`,
    );
  return parsed;
}
