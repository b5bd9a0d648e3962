import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { endAllLogins, isCurrentSession } from '@/lib/auth/session-version';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { changePassword } from './change-password';
import { createUser } from './create-user';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

describe('changePassword', () => {
  it('needs the current password, then stores a new hash', async () => {
    const user = await createUser(db.prisma, { email: 'pw@example.com', password: 'old-password' });
    await expect(
      changePassword(db.prisma, {
        userId: user.id,
        currentPassword: 'wrong-one',
        newPassword: 'new-password',
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('current password') as unknown,
    });
    expect(
      (await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion,
    ).toBe(0); // a wrong current password ends nothing
    const version = await changePassword(db.prisma, {
      userId: user.id,
      currentPassword: 'old-password',
      newPassword: 'new-password',
    });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(row.passwordHash, 'new-password')).toBe(true);
    expect(await verifyPassword(row.passwordHash, 'old-password')).toBe(false);
    // Logins made before the change end (lib/auth/session-version.ts).
    expect([version, row.sessionVersion]).toEqual([1, 1]);
    expect(isCurrentSession(0, row.sessionVersion)).toBe(false);
    expect(isCurrentSession(undefined, 0)).toBe(true);
    expect(await endAllLogins(db.prisma, user.id)).toBe(2);
  });
});
