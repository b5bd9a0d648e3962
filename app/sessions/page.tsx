import { db } from '@/lib/db/db';
import { minutesOf } from '@/lib/quotas/calendar-month';
import { liveMsWithin, userUsage } from '@/lib/quotas/user-usage';
import { requireUser } from '../_components/require-user';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export default async function SessionsPage() {
  const user = await requireUser('/sessions');
  const prisma = await db();
  const sessions = await prisma.session.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    take: 50,
    include: { avatar: { select: { name: true } } },
  });
  const now = new Date();
  const usage = await userUsage(prisma, { userId: user.id, now });
  const booked = usage.used.bookedMinutes > 0 ? ` (${usage.used.bookedMinutes} more booked)` : '';
  return (
    <>
      <h1>Sessions</h1>
      <p className="muted" data-testid="quota-usage">
        {usage.used.minutes} of {plural(usage.limits.monthlyMinutes, 'minute')} this month{booked} ·{' '}
        {usage.used.concurrentSessions} of {plural(usage.limits.concurrentSessions, 'session')} at
        once · resets {usage.resetsAt.slice(0, 10)}
      </p>
      {sessions.length === 0 ? (
        <div className="empty">
          No sessions yet. Open <a href="/avatars">Avatars</a> and press “Start session” on a ready
          avatar.
        </div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Avatar</th>
              <th>Status</th>
              <th>Started</th>
              <th>Minutes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{s.avatar.name}</td>
                <td>
                  <span className={`badge ${s.status}`}>{s.status}</span>
                </td>
                <td>{s.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC</td>
                <td>{minutesOf(liveMsWithin(s, now))}</td>
                <td>
                  {(s.status === 'live' || s.status === 'starting') && (
                    <a href={`/sessions/${s.id}`}>Open</a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
