import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { refusedWith } from '@/lib/testing/refused-with';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { listUsers } from './list-users';
import { updateUser } from './update-user';

let db: TestDatabase;
let adminA: string;
let adminB: string;
let creator: { userId: string; avatarId: string };
beforeAll(async () => {
  // LiveKit is not running here: stopping a session logs the failed room delete and goes on.
  setTestEnv('update-user');
  db = await createTestDatabase();
  adminA = (await createUser(db.prisma, { email: 'a@example.com', password: 'password-1' })).id;
  adminB = (
    await createUser(db.prisma, { email: 'b@example.com', password: 'password-1', isAdmin: true })
  ).id;
  creator = await seedOwnerWithAvatar(db.prisma, 'creator@example.com');
});
afterAll(() => db.destroy());

describe('updateUser', () => {
  it('refuses to let admins disable or demote themselves (409)', async () => {
    await expect(
      updateUser(db.prisma, { actorId: adminA, userId: adminA, changes: { disabled: true } }),
    ).rejects.toSatisfy(refusedWith(409, /your own account/));
    await expect(
      updateUser(db.prisma, { actorId: adminA, userId: adminA, changes: { role: 'creator' } }),
    ).rejects.toSatisfy(refusedWith(409, /your own admin role/));
    // Quotas on oneself are fine.
    const { user } = await updateUser(db.prisma, {
      actorId: adminA,
      userId: adminA,
      changes: { maxConcurrentSessions: 5 },
    });
    expect(user.maxConcurrentSessions).toBe(5);
  });

  it('answers 404 for an unknown user', async () => {
    await expect(
      updateUser(db.prisma, { actorId: adminA, userId: 'nope', changes: { disabled: true } }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('keeps one admin when two admins demote each other at once', async () => {
    const results = await Promise.allSettled([
      updateUser(db.prisma, { actorId: adminA, userId: adminB, changes: { role: 'creator' } }),
      updateUser(db.prisma, { actorId: adminB, userId: adminA, changes: { role: 'creator' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refusedWith(409, /last admin/)(refused?.reason)).toBe(true);
    expect(await db.prisma.user.count({ where: { isAdmin: true } })).toBe(1);
    // Put both back as admins for the next tests.
    const remaining = await db.prisma.user.findFirstOrThrow({ where: { isAdmin: true } });
    const other = remaining.id === adminA ? adminB : adminA;
    await updateUser(db.prisma, {
      actorId: remaining.id,
      userId: other,
      changes: { role: 'admin' },
    });
  });

  it('does not count a disabled admin: the last enabled admin cannot be disabled', async () => {
    await updateUser(db.prisma, { actorId: adminA, userId: adminB, changes: { disabled: true } });
    await expect(
      updateUser(db.prisma, { actorId: adminB, userId: adminA, changes: { disabled: true } }),
    ).rejects.toSatisfy(refusedWith(409, /last admin/));
    await updateUser(db.prisma, { actorId: adminA, userId: adminB, changes: { disabled: false } });
    const b = await db.prisma.user.findUniqueOrThrow({ where: { id: adminB } });
    expect(b.disabledAt).toBeNull();
  });

  it('disables a creator, ends their running sessions, and sets and clears quota overrides', async () => {
    const session = await db.prisma.session.create({
      data: {
        ...creator,
        roomName: 'room-disable',
        viewerKey: 'viewer-disable',
        status: 'live',
        liveAt: new Date(Date.now() - 60_000),
      },
    });
    const done = await updateUser(db.prisma, {
      actorId: adminA,
      userId: creator.userId,
      changes: { disabled: true, monthlySessionMinutes: 120, maxConcurrentSessions: 0 },
    });
    expect(done.user.disabledAt).toBeInstanceOf(Date);
    expect(done.user).toMatchObject({ monthlySessionMinutes: 120, maxConcurrentSessions: 0 });
    expect(done.stoppedSessionIds).toEqual([session.id]);
    const stopped = await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(stopped.status).toBe('ended');
    expect(stopped.endedAt).toBeInstanceOf(Date);

    // Disabling again keeps the first time and stops nothing more.
    const again = await updateUser(db.prisma, {
      actorId: adminA,
      userId: creator.userId,
      changes: { disabled: true, monthlySessionMinutes: null },
    });
    expect(again.user.disabledAt).toEqual(done.user.disabledAt);
    expect(again.user.monthlySessionMinutes).toBeNull();
    expect(again.stoppedSessionIds).toEqual([]);

    const listed = await listUsers(db.prisma, { q: 'CREATOR@' });
    expect(listed.total).toBe(1);
    expect(listed.users[0]).toMatchObject({
      email: 'creator@example.com',
      role: 'creator',
      disabled: true,
      maxConcurrentSessions: 0,
      monthlySessionMinutes: null,
      sessions: 1,
    });
    expect(listed.users[0]?.minutesThisMonth).toBeGreaterThanOrEqual(1);
  });

  it('lists users oldest first, searched by email or name', async () => {
    await db.prisma.user.update({ where: { id: adminB }, data: { name: 'Barbara Liskov' } });
    const all = await listUsers(db.prisma);
    expect(all.users.map((u) => u.email)).toEqual([
      'a@example.com',
      'b@example.com',
      'creator@example.com',
    ]);
    expect(all.users[0]).toMatchObject({ role: 'admin', maxConcurrentSessions: 5 });
    const byName = await listUsers(db.prisma, { q: 'liskov' });
    expect(byName.users.map((u) => u.email)).toEqual(['b@example.com']);
    expect((await listUsers(db.prisma, { q: 'nobody-like-this' })).users).toEqual([]);
    expect((await listUsers(db.prisma, { page: 2 })).users).toEqual([]);
  });
});
