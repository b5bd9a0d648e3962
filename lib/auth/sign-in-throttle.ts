/**
 * Sign-in throttling. Every address has a budget of attempts (signInRule); on top of it, failed
 * passwords for one email from one address back off: the first five are free, then each
 * further failure makes that pair wait twice as long as the last (30 s, 1 min, 2 min, … up to
 * an hour) before the next attempt is even checked. Unknown emails are throttled exactly like
 * known ones, so the answers say nothing about which accounts exist. A success clears it.
 */
import type { PrismaClient } from '@prisma/client';
import { limiterFor, rateLimited, retryIn, consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { signInRule } from '@/lib/rate-limits/rules';

/** Failures that cost nothing but the count. */
export const FREE_SIGN_IN_FAILURES = 5;
const FIRST_WAIT_SECONDS = 30;
const LONGEST_WAIT_SECONDS = 3600;

/** Failures per email and address within the last day. */
const FAILURES = { name: 'signin-failures', points: 1_000_000, durationSeconds: 24 * 3600 };
/** Blocked while a backoff runs (block() marks the key over its single point). */
const GATE = { name: 'signin-wait', points: 1, durationSeconds: 1 };

const pairKey = (email: string, ip: string) => `${ip}|${email}`;

/** The wait after the `failures`-th failure, seconds (0 while failures are free). */
export function backoffSeconds(failures: number): number {
  if (failures < FREE_SIGN_IN_FAILURES) return 0;
  return Math.min(
    LONGEST_WAIT_SECONDS,
    FIRST_WAIT_SECONDS * 2 ** (failures - FREE_SIGN_IN_FAILURES),
  );
}

/** Throws 429 `rate_limited` when this address, or this email from it, must wait. */
export async function assertSignInAllowed(
  prisma: PrismaClient,
  email: string,
  ip: string,
): Promise<void> {
  await consumeRateLimit(prisma, signInRule(), ip);
  const waiting = await limiterFor(prisma, GATE).get(pairKey(email, ip));
  if (waiting && waiting.consumedPoints > GATE.points) {
    throw rateLimited(
      waiting.msBeforeNext,
      (seconds) =>
        `Too many failed sign-ins for this email. Wait and try again ${retryIn(seconds)}, or reset the password with an admin.`,
    );
  }
}

/** Counts a failed password; from the sixth on, starts the next wait. */
export async function recordSignInFailure(
  prisma: PrismaClient,
  email: string,
  ip: string,
): Promise<void> {
  const key = pairKey(email, ip);
  const counted = await limiterFor(prisma, FAILURES).penalty(key, 1);
  const wait = backoffSeconds(counted.consumedPoints);
  if (wait > 0) await limiterFor(prisma, GATE).block(key, wait);
}

export async function clearSignInFailures(
  prisma: PrismaClient,
  email: string,
  ip: string,
): Promise<void> {
  const key = pairKey(email, ip);
  await Promise.all([
    limiterFor(prisma, FAILURES).delete(key),
    limiterFor(prisma, GATE).delete(key),
  ]);
}
