/**
 * Booking against capacity on the real database (embedded PGlite in the `db` step, a
 * PostgreSQL server in `db-postgres`): decisions are serialised in the database, so
 * concurrent requests never overbook.
 */
import type { Booking } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { firstOverload, mostAtOnce } from './booking-capacity';
import { cancelBooking } from './cancel-booking';
import { openDatabase } from '@/lib/db/open-database';
import { createBooking } from './create-booking';
import { updateBooking } from './update-booking';

/** FACECAST_BOOKABLE_SLOTS 6 minus the default reserve of 1 for instant sessions. */
const BOOKABLE = 5;
const MINUTE = 60_000;

let db: TestDatabase;
let users: string[] = [];
let avatars: string[] = [];
/** A day far enough ahead that every test's slots are in the future. */
let day: number;

beforeAll(async () => {
  // The pool's capacity is under test here, not the users' quotas (lib/quotas).
  setTestEnv('booking', {
    FACECAST_BOOKABLE_SLOTS: '6',
    FACECAST_QUOTA_CONCURRENT_SESSIONS: '100',
    FACECAST_QUOTA_MONTHLY_MINUTES: '1000000',
  });
  db = await createTestDatabase();
  users = [];
  avatars = [];
  for (let i = 0; i < 4; i++) {
    const owner = await seedOwnerWithAvatar(db.prisma, `booker${i}@example.com`, `Guide ${i}`);
    users.push(owner.userId);
    avatars.push(owner.avatarId);
  }
  day = Math.ceil((Date.now() + 2 * 24 * 60 * MINUTE) / (24 * 60 * MINUTE)) * 24 * 60 * MINUTE;
}, 60_000);
afterAll(() => db.destroy());

const at = (minutes: number) => new Date(day + minutes * MINUTE);

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('booking against the pool capacity', () => {
  it('200 concurrent requests for overlapping slots never overbook', async () => {
    const attempts = Array.from({ length: 200 }, (_, i) => {
      // Starts spread over two hours, 30-90 minutes long: most overlap most others.
      const start = (i * 37) % 120;
      const length = 30 + ((i * 53) % 61);
      return createBooking(db.prisma, {
        userId: users[i % users.length]!,
        avatarId: avatars[i % avatars.length]!,
        startsAt: at(start),
        endsAt: at(start + length),
        kind: i % 2 ? 'broadcast' : 'private',
      });
    });
    const results = await Promise.allSettled(attempts);
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(accepted.length + refused.length).toBe(200);
    for (const reason of refused) expect(reason).toMatchObject({ code: 'no_capacity' });
    expect(accepted.length).toBeGreaterThanOrEqual(BOOKABLE);
    expect(refused.length).toBeGreaterThan(100);

    const stored = await db.prisma.booking.findMany({ where: { status: 'scheduled' } });
    expect(stored).toHaveLength(accepted.length);
    expect(mostAtOnce(stored)).toBeLessThanOrEqual(BOOKABLE);
    // And it is full: the pool is used up somewhere in the window.
    expect(mostAtOnce(stored)).toBe(BOOKABLE);
    await db.prisma.booking.deleteMany();
  }, 120_000);

  // Batching serialises one instance's requests in memory; only the database lock keeps two
  // instances apart. Two clients on one PostgreSQL database are two app instances.
  it.runIf(process.env.DATABASE_URL)(
    'two app instances booking at once never overbook (PostgreSQL)',
    async () => {
      const second = await openDatabase({ dataDir: db.dataDir, databaseUrl: db.url! });
      try {
        const attempts = Array.from({ length: 200 }, (_, i) => {
          const start = (i * 37) % 120;
          const length = 30 + ((i * 53) % 61);
          return createBooking(i % 2 ? db.prisma : second.prisma, {
            userId: users[i % users.length]!,
            avatarId: avatars[i % avatars.length]!,
            startsAt: at(start),
            endsAt: at(start + length),
            kind: 'private',
          });
        });
        const results = await Promise.allSettled(attempts);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'no_capacity' });
        }
        const stored = await db.prisma.booking.findMany({ where: { status: 'scheduled' } });
        expect(stored).toHaveLength(results.filter((r) => r.status === 'fulfilled').length);
        expect(mostAtOnce(stored)).toBe(BOOKABLE);
      } finally {
        await second.close();
        await db.prisma.booking.deleteMany();
      }
    },
    120_000,
  );

  // Requests sent together share one decision (lib/bookings/book-in-batches.ts): one refused
  // for its own reason must not take the others of its batch with it.
  it("a request refused in a batch (another user's avatar) leaves the others booked", async () => {
    const slot = (i: number) => ({ startsAt: at(1200 + 60 * i), endsAt: at(1230 + 60 * i) });
    const results = await Promise.allSettled([
      createBooking(db.prisma, {
        userId: users[0]!,
        avatarId: avatars[0]!,
        ...slot(0),
        kind: 'private',
      }),
      createBooking(db.prisma, {
        userId: users[0]!,
        avatarId: avatars[1]!,
        ...slot(1),
        kind: 'private',
      }),
      createBooking(db.prisma, {
        userId: users[1]!,
        avatarId: avatars[1]!,
        ...slot(2),
        kind: 'private',
      }),
      createBooking(db.prisma, {
        userId: users[2]!,
        avatarId: 'no-such-avatar',
        ...slot(3),
        kind: 'private',
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'not_found' });
    const stored = await db.prisma.booking.findMany({ orderBy: { startsAt: 'asc' } });
    expect(stored.map((b) => [b.userId, b.avatarId, b.startsAt])).toEqual([
      [users[0], avatars[0], slot(0).startsAt],
      [users[1], avatars[1], slot(2).startsAt],
    ]);
    await db.prisma.booking.deleteMany();
  });

  it('a refusal names the first full instant and the next free start', async () => {
    // Five bookings 10:00-11:00 fill the pool; one of them ends early, at 10:30.
    for (let i = 0; i < BOOKABLE; i++) {
      await createBooking(db.prisma, {
        userId: users[0]!,
        avatarId: avatars[0]!,
        startsAt: at(600),
        endsAt: at(i === 0 ? 630 : 660),
        kind: 'private',
      });
    }
    const error = await refusal(
      createBooking(db.prisma, {
        userId: users[1]!,
        avatarId: avatars[1]!,
        startsAt: at(590),
        endsAt: at(620),
        kind: 'broadcast',
      }),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe('no_capacity');
    expect(error.details).toEqual({
      conflictAt: at(600).toISOString(),
      nextFreeStart: at(630).toISOString(),
    });
    expect(error.message).toMatch(/next free start/);
    // Right after the early one ends there is room again.
    const fits = await createBooking(db.prisma, {
      userId: users[1]!,
      avatarId: avatars[1]!,
      startsAt: at(630),
      endsAt: at(660),
      kind: 'broadcast',
    });
    expect(fits.status).toBe('scheduled');
    await db.prisma.booking.deleteMany();
  });

  it('moving a booking counts the others, not itself; cancelling frees its slot', async () => {
    const mine = await createBooking(db.prisma, {
      userId: users[2]!,
      avatarId: avatars[2]!,
      startsAt: at(900),
      endsAt: at(960),
      kind: 'private',
    });
    const others: Booking[] = [];
    for (let i = 1; i < BOOKABLE; i++) {
      others.push(
        await createBooking(db.prisma, {
          userId: users[0]!,
          avatarId: avatars[0]!,
          startsAt: at(900),
          endsAt: at(1020),
          kind: 'private',
        }),
      );
    }
    // Full from 9:00 to 10:00 with mine; extending mine to 11:00 still fits (others end there).
    const longer = await updateBooking(db.prisma, {
      userId: users[2]!,
      bookingId: mine.id,
      endsAt: at(1020),
      title: 'Longer',
    });
    expect(longer.endsAt).toEqual(at(1020));
    expect(longer.title).toBe('Longer');
    // A new one in that window is refused; after a cancellation it fits.
    const refused = await refusal(
      createBooking(db.prisma, {
        userId: users[3]!,
        avatarId: avatars[3]!,
        startsAt: at(930),
        endsAt: at(990),
        kind: 'private',
      }),
    );
    expect(refused.code).toBe('no_capacity');
    await cancelBooking(db.prisma, { userId: users[0]!, bookingId: others[0]!.id });
    await cancelBooking(db.prisma, { userId: users[0]!, bookingId: others[0]!.id });
    const after = await createBooking(db.prisma, {
      userId: users[3]!,
      avatarId: avatars[3]!,
      startsAt: at(930),
      endsAt: at(990),
      kind: 'private',
    });
    expect(after.status).toBe('scheduled');
    const scheduled = await db.prisma.booking.findMany({ where: { status: 'scheduled' } });
    expect(mostAtOnce(scheduled)).toBeLessThanOrEqual(BOOKABLE);
    expect(firstOverload(scheduled, { startsAt: at(900), endsAt: at(1020) }, BOOKABLE + 1)).toBe(
      undefined,
    );
    await db.prisma.booking.deleteMany();
  });

  it('refuses past, reversed, too long slots, and other users’ avatars and bookings', async () => {
    const base = { userId: users[0]!, avatarId: avatars[0]!, kind: 'private' as const };
    const now = new Date();
    const past = await refusal(
      createBooking(db.prisma, {
        ...base,
        startsAt: new Date(now.getTime() - 10 * MINUTE),
        endsAt: new Date(now.getTime() + 10 * MINUTE),
      }),
    );
    expect([past.status, past.message]).toEqual([422, expect.stringMatching(/in the past/)]);
    const reversed = await refusal(
      createBooking(db.prisma, { ...base, startsAt: at(100), endsAt: at(40) }),
    );
    expect([reversed.status, reversed.message]).toEqual([422, 'endsAt must be after startsAt.']);
    const long = await refusal(
      createBooking(db.prisma, { ...base, startsAt: at(0), endsAt: at(8 * 60 + 1) }),
    );
    expect([long.status, long.message]).toEqual([422, expect.stringMatching(/at most 8 hours/)]);
    const otherAvatar = await refusal(
      createBooking(db.prisma, { ...base, avatarId: avatars[1]!, startsAt: at(0), endsAt: at(30) }),
    );
    expect(otherAvatar.status).toBe(404);

    const booking = await createBooking(db.prisma, { ...base, startsAt: at(0), endsAt: at(30) });
    const otherUsers = await refusal(
      updateBooking(db.prisma, { userId: users[1]!, bookingId: booking.id, title: 'Mine now' }),
    );
    expect(otherUsers.status).toBe(404);
    expect(
      (await refusal(cancelBooking(db.prisma, { userId: users[1]!, bookingId: booking.id })))
        .status,
    ).toBe(404);
    // Nothing was stored by any refusal.
    expect(await db.prisma.booking.count()).toBe(1);
    await db.prisma.booking.deleteMany();
  });
});
