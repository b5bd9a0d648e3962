/**
 * The first account of an installation is its admin, exactly one even when several people
 * register at the same moment on a fresh installation (on PostgreSQL the registrations run in
 * parallel transactions; PGlite runs them one at a time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from './create-user';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

describe('the first account', () => {
  it('ten registrations racing on a fresh installation make exactly one admin', async () => {
    const users = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createUser(db.prisma, { email: `racer-${i}@example.com`, password: 'password-1' }),
      ),
    );
    expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
    expect(await db.prisma.user.count({ where: { isAdmin: true } })).toBe(1);
  });
});
