import { db } from '@/lib/db/db';
import { requireUser } from '../_components/require-user';

export default async function SessionsPage() {
  const user = await requireUser('/sessions');
  const prisma = await db();
  const sessions = await prisma.session.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: 'desc' },
    take: 50,
    include: { avatar: { select: { name: true } } },
  });
  return (
    <>
      <h1>Sessions</h1>
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
