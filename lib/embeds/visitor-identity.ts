/**
 * A visitor identity the embedding site vouches for: its server signs `{id, name}` as an
 * HS256 JWT with the embed's secret (docs/widget.md), and the widget passes it on. A token
 * that does not verify (wrong key, tampered, expired, another algorithm) is ignored: the
 * visitor is anonymous, never refused.
 */
import { jwtVerify } from 'jose';
import { sanitizeDisplayName } from '@/lib/rooms/display-name';

export interface VisitorIdentity {
  /** The site's own id for the visitor (at most 64 characters). */
  id: string;
  /** The name transcripts and the room show. */
  name: string;
}

/** Longest token accepted, characters (a signed `{id, name}` is far shorter). */
const MAX_TOKEN_CHARS = 2_000;

/** The identity in `token` when it verifies with `secret`, else null. */
export async function verifyVisitorToken(
  token: string | undefined,
  secret: string,
): Promise<VisitorIdentity | null> {
  if (!token || token.length > MAX_TOKEN_CHARS) return null;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
    });
    const id = typeof payload.id === 'string' ? payload.id : payload.sub;
    const name = typeof payload.name === 'string' ? sanitizeDisplayName(payload.name) : '';
    if (typeof id !== 'string' || id === '' || id.length > 64 || name === '') return null;
    return { id, name };
  } catch {
    return null;
  }
}
