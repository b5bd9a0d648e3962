import type { PrismaClient } from '@prisma/client';
import { meteredSpan, meteredWithin, overlapMs, startOfUtcMonth, toMinutes } from './metered-span';

export interface UserFigures {
  sessions: number;
  minutesThisMonth: number;
}

/** Sessions ever started and minutes live this UTC month, for each of `userIds`. */
export async function userFigures(
  prisma: PrismaClient,
  userIds: string[],
  now = new Date(),
): Promise<Map<string, UserFigures>> {
  const monthStart = startOfUtcMonth(now);
  const [counts, monthSessions] = await Promise.all([
    prisma.session.groupBy({
      by: ['userId'],
      where: { userId: { in: userIds } },
      _count: { _all: true },
    }),
    prisma.session.findMany({
      where: { userId: { in: userIds }, ...meteredWithin(monthStart, now) },
      select: { userId: true, status: true, createdAt: true, liveAt: true, endedAt: true },
    }),
  ]);
  const msByUser = new Map<string, number>();
  for (const session of monthSessions) {
    const span = meteredSpan(session, now);
    if (!span) continue;
    const ms = overlapMs(span, monthStart, now);
    msByUser.set(session.userId, (msByUser.get(session.userId) ?? 0) + ms);
  }
  const sessionsByUser = new Map(counts.map((c) => [c.userId, c._count._all]));
  return new Map(
    userIds.map((id) => [
      id,
      {
        sessions: sessionsByUser.get(id) ?? 0,
        minutesThisMonth: toMinutes(msByUser.get(id) ?? 0),
      },
    ]),
  );
}
