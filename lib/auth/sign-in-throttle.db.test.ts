/**
 * Sign-in throttling on a real database (PGlite or PostgreSQL): the backoff after five failed
 * passwords, the per-address budget, and the same treatment for emails without an account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import {
  assertSignInAllowed,
  backoffSeconds,
  clearSignInFailures,
  FREE_SIGN_IN_FAILURES,
  recordSignInFailure,
} from './sign-in-throttle';

let db: TestDatabase;

beforeAll(async () => {
  setTestEnv('sign-in-throttle', { FACECAST_SIGNINS_PER_IP: '12' });
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db.destroy());

async function refusal(email: string, ip: string): Promise<ApiError | undefined> {
  try {
    await assertSignInAllowed(db.prisma, email, ip);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
}

describe('sign-in throttling', () => {
  it('doubles the wait from the sixth failure on, up to an hour', () => {
    expect([4, 5, 6, 7].map(backoffSeconds)).toEqual([0, 30, 60, 120]);
    expect(backoffSeconds(40)).toBe(3600);
  });

  it('lets five failures pass, then makes that email wait at that address only', async () => {
    const ip = '198.51.100.1';
    for (let i = 0; i < FREE_SIGN_IN_FAILURES - 1; i++) {
      expect(await refusal('known@example.test', ip)).toBeUndefined();
      await recordSignInFailure(db.prisma, 'known@example.test', ip);
    }
    expect(await refusal('known@example.test', ip)).toBeUndefined();
    await recordSignInFailure(db.prisma, 'known@example.test', ip);
    const refused = await refusal('known@example.test', ip);
    expect(refused?.code).toBe('rate_limited');
    expect(Number(refused?.headers['Retry-After'])).toBeGreaterThan(20);
    expect(Number(refused?.headers['Retry-After'])).toBeLessThanOrEqual(30);
    expect(refused?.message).toMatch(/Too many failed sign-ins for this email/);
    // Somebody else at another address is not locked out by it.
    expect(await refusal('known@example.test', '198.51.100.2')).toBeUndefined();
    // A success clears it.
    await clearSignInFailures(db.prisma, 'known@example.test', ip);
    expect(await refusal('known@example.test', ip)).toBeUndefined();
  });

  it('answers an email without an account exactly the same way', async () => {
    const ip = '198.51.100.3';
    for (let i = 0; i < FREE_SIGN_IN_FAILURES; i++) {
      await recordSignInFailure(db.prisma, 'nobody@example.test', ip);
    }
    const refused = await refusal('nobody@example.test', ip);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.message).toMatch(/Too many failed sign-ins for this email/);
  });

  it('caps the attempts of one address across every email', async () => {
    const ip = '198.51.100.4';
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) => refusal(`user-${i}@example.test`, ip)),
    );
    expect(results.filter((r) => r === undefined)).toHaveLength(12);
    const over = results.filter((r) => r !== undefined);
    expect(over.map((r) => r.code)).toEqual(['rate_limited', 'rate_limited']);
    expect(over[0]?.message).toMatch(/Too many sign-in attempts from your address/);
  });
});
