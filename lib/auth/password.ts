import { hash, verify } from '@node-rs/argon2';

/** Shortest accepted password, in characters. */
export const PASSWORD_MIN_LENGTH = 8;

/** Hashes a password with Argon2id (library defaults: 19 MiB, t=2, p=1, per OWASP). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password against an account's hash, or against a decoy hash when there is no such
 * account: both take the same Argon2 work, so timing does not tell which emails exist.
 */
export async function verifyPasswordOrDecoy(
  passwordHash: string | undefined,
  password: string,
): Promise<boolean> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  const matches = await verifyPassword(passwordHash ?? (await decoy), password);
  return passwordHash !== undefined && matches;
}
