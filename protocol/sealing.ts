/**
 * Secrets at rest (a user's speech API key): AES-256-GCM with a key derived by HKDF-SHA256
 * from the app secret (AUTH_SECRET), so a database dump alone does not reveal them. Each
 * sealed value is bound to a context (the avatar's id) as associated data: copying it to
 * another row makes it unreadable instead of silently moving the key.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** HKDF salt and info: fixed, so the same app secret always gives the same key. */
const SALT = 'facecast.seal';
const INFO = 'facecast secret sealing v1';

/** A sealed value that cannot be opened: wrong app secret, other context, or damaged. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

function deriveKey(appSecret: string): Buffer {
  if (appSecret.length < 32) throw new SealError('the app secret must be at least 32 characters');
  return Buffer.from(hkdfSync('sha256', appSecret, SALT, INFO, 32));
}

/** Encrypts `plain` for storage; `context` (e.g. the avatar id) must be given again to open it. */
export function sealSecret(plain: string, appSecret: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(appSecret), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Decrypts a value from `sealSecret`; throws SealError when it cannot be opened. */
export function unsealSecret(sealed: string, appSecret: string, context: string): string {
  const [version, iv, body, tag, ...rest] = sealed.split('.');
  if (
    version !== VERSION ||
    iv === undefined ||
    body === undefined ||
    tag === undefined ||
    rest.length > 0
  )
    throw new SealError('not a sealed value');
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
    throw new SealError('not a sealed value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(appSecret), ivBytes, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // GCM says only "unable to authenticate"; the cause is one of these.
    throw new SealError(
      'cannot open the sealed value: the app secret changed or the value was altered',
    );
  }
}
