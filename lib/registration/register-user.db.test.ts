import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTestEnv } from '@/lib/testing/booking-seed';
import { refusedWith } from '@/lib/testing/refused-with';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createInvite } from './create-invite';
import { deleteInvite } from './delete-invite';
import { listInvites } from './list-invites';
import { registerUser } from './register-user';
import { getRegistrationMode, setRegistrationMode } from './registration-mode';

let db: TestDatabase;
let adminId: string;
beforeAll(async () => {
  setTestEnv('registration', { APP_URL: 'https://facecast.example' });
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

const password = 'password-1';
const secretOf = (url: string) => new URL(url).searchParams.get('invite') ?? '';

describe('registration modes', () => {
  it('lets the very first account register whatever the mode, as the admin', async () => {
    await setRegistrationMode(db.prisma, 'closed');
    const first = await registerUser(db.prisma, { email: 'first@example.com', password });
    expect(first.isAdmin).toBe(true);
    adminId = first.id;
  });

  it('refuses everyone when closed, even with a valid invite', async () => {
    const invite = await createInvite(db.prisma, { createdById: adminId });
    await expect(
      registerUser(db.prisma, { email: 'c@example.com', password, invite: secretOf(invite.url) }),
    ).rejects.toSatisfy(refusedWith('forbidden', /closed/));
    expect(await db.prisma.user.count({ where: { email: 'c@example.com' } })).toBe(0);
    // The refused registration did not use the invite up.
    const [listed] = await listInvites(db.prisma);
    expect(listed).toMatchObject({ id: invite.id, status: 'unused' });
  });

  it('is open by default and after being set back: no invite needed, none used up', async () => {
    await db.prisma.appSetting.deleteMany({ where: { key: 'registrationMode' } });
    expect(await getRegistrationMode(db.prisma)).toBe('open');
    const user = await registerUser(db.prisma, { email: 'open@example.com', password });
    expect(user.isAdmin).toBe(false);
  });
});

describe('invites', () => {
  it('stores only a hash of the secret and lists invites without it', async () => {
    const made = await createInvite(db.prisma, {
      createdById: adminId,
      note: 'for Ada',
      expiresInDays: 3,
      now: new Date('2030-01-01T00:00:00Z'),
    });
    expect(made.url).toMatch(/^https:\/\/facecast\.example\/register\?invite=[\w-]{43}$/);
    expect(made.expiresAt).toBe('2030-01-04T00:00:00.000Z');
    const row = await db.prisma.invite.findUniqueOrThrow({ where: { id: made.id } });
    expect(JSON.stringify(row)).not.toContain(secretOf(made.url));
    const listed = (await listInvites(db.prisma)).find((i) => i.id === made.id);
    expect(listed).toMatchObject({ note: 'for Ada', createdByEmail: 'first@example.com' });
    expect(JSON.stringify(listed)).not.toContain(secretOf(made.url));
  });

  it('in invite mode: refuses without an invite, lets one invite register exactly once', async () => {
    await setRegistrationMode(db.prisma, 'invite');
    await expect(
      registerUser(db.prisma, { email: 'no-invite@example.com', password }),
    ).rejects.toSatisfy(refusedWith('forbidden', /invite/));

    const invite = await createInvite(db.prisma, { createdById: adminId });
    const secret = secretOf(invite.url);
    // Two registrations race for the same invite: exactly one account is made.
    const results = await Promise.allSettled(
      ['race-a@example.com', 'race-b@example.com'].map((email) =>
        registerUser(db.prisma, { email, password, invite: secret }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refusedWith('forbidden', /already been used/)(refused?.reason)).toBe(true);
    expect(
      await db.prisma.user.count({
        where: { email: { in: ['race-a@example.com', 'race-b@example.com'] } },
      }),
    ).toBe(1);
    const used = (await listInvites(db.prisma)).find((i) => i.id === invite.id);
    expect(used?.status).toBe('used');
    expect(['race-a@example.com', 'race-b@example.com']).toContain(used?.usedByEmail);
  });

  it('gives the invite back when the registration fails (email taken)', async () => {
    const invite = await createInvite(db.prisma, { createdById: adminId });
    await expect(
      registerUser(db.prisma, {
        email: 'open@example.com',
        password,
        invite: secretOf(invite.url),
      }),
    ).rejects.toMatchObject({ status: 409 });
    const after = (await listInvites(db.prisma)).find((i) => i.id === invite.id);
    expect(after?.status).toBe('unused');
    const ok = await registerUser(db.prisma, {
      email: 'second-try@example.com',
      password,
      invite: secretOf(invite.url),
    });
    expect(ok.email).toBe('second-try@example.com');
  });

  it('refuses expired, withdrawn and made-up invites with a message saying which', async () => {
    const now = new Date();
    const expired = await createInvite(db.prisma, {
      createdById: adminId,
      expiresInDays: 1,
      now: new Date(now.getTime() - 2 * 24 * 3_600_000),
    });
    await expect(
      registerUser(db.prisma, {
        email: 'late@example.com',
        password,
        invite: secretOf(expired.url),
      }),
    ).rejects.toThrow(/expired/);
    expect((await listInvites(db.prisma)).find((i) => i.id === expired.id)?.status).toBe('expired');

    const withdrawn = await createInvite(db.prisma, { createdById: adminId });
    await deleteInvite(db.prisma, { id: withdrawn.id });
    await expect(
      registerUser(db.prisma, {
        email: 'w@example.com',
        password,
        invite: secretOf(withdrawn.url),
      }),
    ).rejects.toThrow(/not a valid invite/);
    await expect(deleteInvite(db.prisma, { id: withdrawn.id })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      registerUser(db.prisma, { email: 'm@example.com', password, invite: 'made-up' }),
    ).rejects.toThrow(/not a valid invite/);
    await setRegistrationMode(db.prisma, 'open');
  });
});
