/**
 * Rows the booking tests start from, written straight to the database (no preparation, no
 * capacity check): an account with a ready avatar, and bookings at given instants.
 */
import { randomBytes } from 'node:crypto';
import type { Booking, PrismaClient } from '@prisma/client';
import { createUser } from '@/lib/users/create-user';

/**
 * The environment `env()` needs in data-layer tests, plus any extra variables. Returns what
 * puts the variables back as they were: the db test files share one process (vitest
 * `singleFork`), so a limit one file lowers must not reach the files after it.
 */
export function setTestEnv(name: string, extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    AUTH_SECRET: `${name}-test-secret-`.padEnd(40, 'x'),
    WORKER_SECRET: `${name}-test-worker`.padEnd(16, 'x'),
    ...extra,
  };
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** An account with one avatar marked ready. */
export async function seedOwnerWithAvatar(
  prisma: PrismaClient,
  email: string,
  avatarName = 'Guide',
): Promise<{ userId: string; avatarId: string }> {
  const userId = (await createUser(prisma, { email, password: 'password-1' })).id;
  const avatar = await prisma.avatar.create({
    data: { userId, name: avatarName, sourceType: 'image/jpeg', status: 'ready' },
  });
  return { userId, avatarId: avatar.id };
}

/** A booking row for [startsAt, endsAt); private with 10 viewers unless `extra` says otherwise. */
export function insertBooking(
  prisma: PrismaClient,
  owner: { userId: string; avatarId: string },
  startsAt: Date,
  endsAt: Date,
  extra: Partial<Booking> = {},
): Promise<Booking> {
  return prisma.booking.create({
    data: {
      ...owner,
      kind: 'private',
      maxViewers: 10,
      startsAt,
      endsAt,
      joinKey: randomBytes(12).toString('base64url'),
      ...extra,
    },
  });
}
