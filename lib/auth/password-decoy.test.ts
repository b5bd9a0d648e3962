/**
 * An email with no account costs the same Argon2 work as a wrong password and gets the same
 * answer (docs/security.md, "Sign-in backoff does not reveal accounts"). The Argon2 library is
 * the real one; the test only counts which hashes it is asked to verify.
 */
import { performance } from 'node:perf_hooks';
import type * as Argon2 from '@node-rs/argon2';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPasswordOrDecoy } from './password';

const verified = vi.hoisted(() => [] as string[]);
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof Argon2>();
  return {
    ...real,
    verify: (hash: string, password: string) => {
      verified.push(hash);
      return real.verify(hash, password);
    },
  };
});

/** `$argon2id$v=19$m=…,t=…,p=…`: the algorithm and cost of a hash, without salt and digest. */
const cost = (hash: string) => hash.split('$').slice(0, 4).join('$');

beforeEach(() => {
  verified.length = 0;
});

describe('verifyPasswordOrDecoy', () => {
  it('runs Argon2 at the same cost for an unknown email as for a wrong password, with the same answer', async () => {
    const accountHash = await hashPassword('the real password');

    expect(await verifyPasswordOrDecoy(accountHash, 'a guess')).toBe(false);
    expect(verified).toEqual([accountHash]);

    verified.length = 0;
    expect(await verifyPasswordOrDecoy(undefined, 'a guess')).toBe(false);
    expect(verified).toHaveLength(1);
    const decoy = verified[0]!;
    expect(decoy).not.toBe(accountHash);
    expect(cost(decoy)).toBe(cost(accountHash));
    expect(cost(decoy)).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);

    // The right password still works; no password opens an account that does not exist.
    expect(await verifyPasswordOrDecoy(accountHash, 'the real password')).toBe(true);
    expect(await verifyPasswordOrDecoy(undefined, '')).toBe(false);
  });

  it('takes about as long for an unknown email as for a wrong password', async () => {
    const accountHash = await hashPassword('the real password');
    await verifyPasswordOrDecoy(undefined, 'warm-up'); // the decoy hash is made once
    // Interleaved, so a change in the machine's load hits both alike.
    const wrongPassword: number[] = [];
    const unknownEmail: number[] = [];
    const time = async (into: number[], check: () => Promise<boolean>) => {
      const start = performance.now();
      await check();
      into.push(performance.now() - start);
    };
    for (let i = 0; i < 7; i++) {
      await time(wrongPassword, () => verifyPasswordOrDecoy(accountHash, 'a guess'));
      await time(unknownEmail, () => verifyPasswordOrDecoy(undefined, 'a guess'));
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[3]!;
    // Only a lower bound, and a loose one: other tests share the CPU. Skipping Argon2 would
    // make an unknown email ~1000× faster.
    expect(median(unknownEmail) / median(wrongPassword)).toBeGreaterThan(0.2);
  });
});
