/**
 * Invite secrets: 32 random bytes (base64url) in the link; only their SHA-256 is stored, so
 * a database dump holds no usable invite (same reasoning as API keys: 256 bits of entropy
 * make a fast hash enough).
 */
import { createHash, randomBytes } from 'node:crypto';

export function generateInviteSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInviteSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
