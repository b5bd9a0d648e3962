import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_USED_RESOLUTION_MS, createApiKey, findUserByApiKey } from '@/lib/auth/api-keys';
import { verifyPassword } from '@/lib/auth/password';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from './create-user';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

describe('createUser', () => {
  it('makes the first account an admin, later ones not, and stores only a hash', async () => {
    const first = await createUser(db.prisma, {
      email: 'First@Example.com ',
      password: 'password-1',
    });
    const second = await createUser(db.prisma, {
      email: 'second@example.com',
      password: 'password-2',
    });
    expect(first).toMatchObject({ email: 'first@example.com', isAdmin: true });
    expect(second.isAdmin).toBe(false);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(row.passwordHash).not.toContain('password-1');
    expect(await verifyPassword(row.passwordHash, 'password-1')).toBe(true);
  });

  it('refuses a duplicate email with 409 and a short password with a readable message', async () => {
    await expect(
      createUser(db.prisma, { email: 'first@example.com', password: 'another-1' }),
    ).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      createUser(db.prisma, { email: 'x@example.com', password: 'short' }),
    ).rejects.toThrow(/at least 8/);
    await expect(
      createUser(db.prisma, { email: 'not-an-email', password: 'long-enough' }),
    ).rejects.toThrow(/valid email/);
  });
});

describe('api keys in the database', () => {
  it('resolve to their owner by hash; unknown keys resolve to nobody', async () => {
    const user = await createUser(db.prisma, { email: 'keys@example.com', password: 'password-k' });
    const created = await createApiKey(db.prisma, { userId: user.id, name: 'ci' });
    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.hash).not.toBe(created.key);
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect(await findUserByApiKey(db.prisma, created.key)).toMatchObject({ id: user.id });
    expect(await findUserByApiKey(db.prisma, `${created.key}x`)).toBeNull();
    expect(await findUserByApiKey(db.prisma, 'garbage')).toBeNull();
    const used = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(used.lastUsedAt).not.toBeNull();
    // Written to the minute, not on every request.
    const lastUsed = () =>
      db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } }).then((k) => k.lastUsedAt);
    const first = used.lastUsedAt!;
    await findUserByApiKey(db.prisma, created.key, new Date(first.getTime() + 30_000));
    expect(await lastUsed()).toEqual(first);
    const later = new Date(first.getTime() + LAST_USED_RESOLUTION_MS);
    await findUserByApiKey(db.prisma, created.key, later);
    expect(await lastUsed()).toEqual(later);
  });
});
