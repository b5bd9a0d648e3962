/**
 * Usage per UTC day, per user and per avatar: minutes live (a session running over midnight
 * counts on both days, each its share), sessions, viewers who joined (viewersJoined summed)
 * and characters the avatars were asked to say. Sessions, viewers and characters count on
 * the day the session went live. Read from the sessions' metering fields (docs/admin.md).
 */
import type { PrismaClient } from '@prisma/client';
import { meteredSpan, meteredWithin, overlapMs, toMinutes } from './metered-span';

const DAY_MS = 24 * 3_600_000;

export interface UsageFigures {
  minutes: number;
  sessions: number;
  viewers: number;
  speechChars: number;
}

/** A UTC day, "YYYY-MM-DD", and its figures. */
export type DayUsage = { day: string } & UsageFigures;

export interface UsageReport {
  from: string;
  to: string;
  /** Every day of the range, oldest first, days without usage included (for the chart). */
  days: DayUsage[];
  /** Users with usage in the range, most minutes first; `days` only where they had some. */
  users: Array<{ userId: string; email: string; days: DayUsage[] } & UsageFigures>;
  avatars: Array<
    {
      avatarId: string;
      name: string;
      userId: string;
      ownerEmail: string;
      days: DayUsage[];
    } & UsageFigures
  >;
}

/** Start of the UTC day `at` is in. */
export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

const dayKey = (at: Date | number) => new Date(at).toISOString().slice(0, 10);

/** Figures summed in milliseconds, turned into minutes at the end (no rounding drift). */
interface Tally {
  ms: number;
  sessions: number;
  viewers: number;
  speechChars: number;
}

const emptyTally = (): Tally => ({ ms: 0, sessions: 0, viewers: 0, speechChars: 0 });

function figures(t: Tally): UsageFigures {
  return {
    minutes: toMinutes(t.ms),
    sessions: t.sessions,
    viewers: t.viewers,
    speechChars: t.speechChars,
  };
}

/** Per-day tallies of one user, one avatar, or everyone. */
class DayTallies {
  readonly total = emptyTally();
  readonly byDay = new Map<string, Tally>();

  add(day: string, add: Partial<Tally>): void {
    let tally = this.byDay.get(day);
    if (!tally) this.byDay.set(day, (tally = emptyTally()));
    for (const key of ['ms', 'sessions', 'viewers', 'speechChars'] as const) {
      tally[key] += add[key] ?? 0;
      this.total[key] += add[key] ?? 0;
    }
  }

  days(): DayUsage[] {
    return [...this.byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, t]) => ({ day, ...figures(t) }));
  }
}

/** Usage between `from` and `to` (instants; `to` after `from`). */
export async function usageReport(
  prisma: PrismaClient,
  options: { from: Date; to: Date; now?: Date },
): Promise<UsageReport> {
  const { from, to } = options;
  const now = options.now ?? new Date();
  const sessions = await prisma.session.findMany({
    where: meteredWithin(from, to),
    select: {
      userId: true,
      avatarId: true,
      status: true,
      createdAt: true,
      liveAt: true,
      endedAt: true,
      viewersJoined: true,
      speechChars: true,
      user: { select: { email: true } },
      avatar: { select: { name: true } },
    },
  });
  const everyone = new DayTallies();
  const users = new Map<string, { email: string; tallies: DayTallies }>();
  const avatars = new Map<
    string,
    { name: string; userId: string; ownerEmail: string; tallies: DayTallies }
  >();
  for (const session of sessions) {
    const span = meteredSpan(session, now);
    if (!span) continue;
    let user = users.get(session.userId);
    if (!user)
      users.set(session.userId, (user = { email: session.user.email, tallies: new DayTallies() }));
    let avatar = avatars.get(session.avatarId);
    if (!avatar) {
      avatars.set(
        session.avatarId,
        (avatar = {
          name: session.avatar.name,
          userId: session.userId,
          ownerEmail: session.user.email,
          tallies: new DayTallies(),
        }),
      );
    }
    const add = (day: string, tally: Partial<Tally>) => {
      everyone.add(day, tally);
      user.tallies.add(day, tally);
      avatar.tallies.add(day, tally);
    };
    if (span.startMs >= from.getTime() && span.startMs < to.getTime()) {
      add(dayKey(span.startMs), {
        sessions: 1,
        viewers: session.viewersJoined,
        speechChars: session.speechChars,
      });
    }
    for (
      let dayStart = utcDayStart(new Date(Math.max(span.startMs, from.getTime()))).getTime();
      dayStart < Math.min(span.endMs, to.getTime());
      dayStart += DAY_MS
    ) {
      const ms = overlapMs(
        span,
        new Date(Math.max(dayStart, from.getTime())),
        new Date(Math.min(dayStart + DAY_MS, to.getTime())),
      );
      if (ms > 0) add(dayKey(dayStart), { ms });
    }
  }
  const days: DayUsage[] = [];
  for (let day = utcDayStart(from).getTime(); day < to.getTime(); day += DAY_MS) {
    const t = everyone.byDay.get(dayKey(day)) ?? emptyTally();
    days.push({ day: dayKey(day), ...figures(t) });
  }
  const byMinutes = (a: { minutes: number }, b: { minutes: number }) => b.minutes - a.minutes;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    days,
    users: [...users.entries()]
      .map(([userId, u]) => ({
        userId,
        email: u.email,
        ...figures(u.tallies.total),
        days: u.tallies.days(),
      }))
      .sort(byMinutes),
    avatars: [...avatars.entries()]
      .map(([avatarId, a]) => ({
        avatarId,
        name: a.name,
        userId: a.userId,
        ownerEmail: a.ownerEmail,
        ...figures(a.tallies.total),
        days: a.tallies.days(),
      }))
      .sort(byMinutes),
  };
}
