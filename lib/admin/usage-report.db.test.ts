import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@prisma/client';
import { seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { defaultUsageRange } from './usage-range';
import { usageReport } from './usage-report';

let db: TestDatabase;
let ada: { userId: string; avatarId: string };
let bob: { userId: string; avatarId: string };
let adaSecondAvatar: string;
let n = 0;

const at = (iso: string) => new Date(iso);

function insertSession(owner: { userId: string; avatarId: string }, data: Partial<Session>) {
  n += 1;
  return db.prisma.session.create({
    data: { ...owner, roomName: `room-${n}`, viewerKey: `viewer-${n}`, status: 'ended', ...data },
  });
}

beforeAll(async () => {
  setTestEnv('usage');
  db = await createTestDatabase();
  ada = await seedOwnerWithAvatar(db.prisma, 'ada@example.com', 'Guide');
  bob = await seedOwnerWithAvatar(db.prisma, 'bob@example.com', 'Teacher');
  adaSecondAvatar = (
    await db.prisma.avatar.create({
      data: { userId: ada.userId, name: 'Host', sourceType: 'image/jpeg', status: 'ready' },
    })
  ).id;
  // Ada, Guide: 30 min on 1 March, 5 viewers, 400 characters.
  await insertSession(ada, {
    createdAt: at('2030-03-01T09:59:00Z'),
    liveAt: at('2030-03-01T10:00:00Z'),
    endedAt: at('2030-03-01T10:30:00Z'),
    viewersJoined: 5,
    speechChars: 400,
  });
  // Ada, Host: 23:30 on 1 March to 00:45 on 2 March: 30 + 45 minutes; counted on the 1st.
  await insertSession(
    { userId: ada.userId, avatarId: adaSecondAvatar },
    {
      createdAt: at('2030-03-01T23:30:00Z'),
      liveAt: at('2030-03-01T23:30:00Z'),
      endedAt: at('2030-03-02T00:45:00Z'),
      viewersJoined: 2,
      speechChars: 50,
    },
  );
  // Bob: still live since 2 March 12:00 (the report's `now` is 12:10): 10 minutes.
  await insertSession(bob, {
    status: 'live',
    createdAt: at('2030-03-02T11:59:30Z'),
    liveAt: at('2030-03-02T12:00:00Z'),
    endedAt: null,
    viewersJoined: 1,
    speechChars: 7,
  });
  // Never went live: counts nothing.
  await insertSession(bob, {
    status: 'failed',
    createdAt: at('2030-03-02T08:00:00Z'),
    endedAt: at('2030-03-02T08:01:00Z'),
  });
  // Before the range.
  await insertSession(bob, {
    createdAt: at('2030-02-20T08:00:00Z'),
    liveAt: at('2030-02-20T08:00:00Z'),
    endedAt: at('2030-02-20T09:00:00Z'),
  });
});
afterAll(() => db.destroy());

describe('usageReport', () => {
  it('sums minutes per UTC day, splitting sessions at midnight, per user and per avatar', async () => {
    const report = await usageReport(db.prisma, {
      from: at('2030-03-01T00:00:00Z'),
      to: at('2030-03-03T00:00:00Z'),
      now: at('2030-03-02T12:10:00Z'),
    });
    expect(report.days).toEqual([
      { day: '2030-03-01', minutes: 60, sessions: 2, viewers: 7, speechChars: 450 },
      { day: '2030-03-02', minutes: 55, sessions: 1, viewers: 1, speechChars: 7 },
    ]);
    expect(report.users).toEqual([
      {
        userId: ada.userId,
        email: 'ada@example.com',
        minutes: 105,
        sessions: 2,
        viewers: 7,
        speechChars: 450,
        days: [
          { day: '2030-03-01', minutes: 60, sessions: 2, viewers: 7, speechChars: 450 },
          { day: '2030-03-02', minutes: 45, sessions: 0, viewers: 0, speechChars: 0 },
        ],
      },
      {
        userId: bob.userId,
        email: 'bob@example.com',
        minutes: 10,
        sessions: 1,
        viewers: 1,
        speechChars: 7,
        days: [{ day: '2030-03-02', minutes: 10, sessions: 1, viewers: 1, speechChars: 7 }],
      },
    ]);
    expect(report.avatars.map((a) => [a.name, a.ownerEmail, a.minutes, a.sessions])).toEqual([
      ['Host', 'ada@example.com', 75, 1],
      ['Guide', 'ada@example.com', 30, 1],
      ['Teacher', 'bob@example.com', 10, 1],
    ]);
  });

  it('counts only the part inside the range, and a session on the day it went live', async () => {
    const report = await usageReport(db.prisma, {
      from: at('2030-03-02T00:00:00Z'),
      to: at('2030-03-02T00:30:00Z'),
      now: at('2030-03-02T12:10:00Z'),
    });
    expect(report.days).toEqual([
      { day: '2030-03-02', minutes: 30, sessions: 0, viewers: 0, speechChars: 0 },
    ]);
    expect(report.avatars.map((a) => a.name)).toEqual(['Host']);
  });

  it('shows every day of the default 30-day range, days without usage as zeros', async () => {
    const now = at('2030-03-02T12:10:00Z');
    const report = await usageReport(db.prisma, { ...defaultUsageRange(now), now });
    expect(report.days).toHaveLength(30);
    expect(report.days[0]?.day).toBe('2030-02-01');
    expect(report.days.at(-1)?.day).toBe('2030-03-02');
    expect(report.days.find((d) => d.day === '2030-02-20')?.minutes).toBe(60);
    expect(report.days.find((d) => d.day === '2030-02-21')).toMatchObject({
      minutes: 0,
      sessions: 0,
    });
  });
});
