import type { Metadata } from 'next';
import type { Session } from '@prisma/client';
import { listAllSessions } from '@/lib/admin/list-all-sessions';
import { db } from '@/lib/db/db';
import { LocalTime } from '../../_components/local-time';
import { SESSION_STATUSES } from '../../api/v1/admin/sessions/sessions.types';
import { requireAdmin } from '../require-admin';

export const metadata: Metadata = { title: 'All sessions · Admin · Facecast' };

type Search = Promise<{ status?: string; page?: string }>;

/** Every user's sessions, newest first, filtered by status (a plain GET form). Admins only. */
export default async function AdminSessionsPage({ searchParams }: { searchParams: Search }) {
  await requireAdmin('/admin/sessions');
  const params = await searchParams;
  const status = SESSION_STATUSES.find((s) => s === params.status);
  const page = Math.max(1, Math.floor(Number(params.page)) || 1);
  const data = await listAllSessions(await db(), { status, page });
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const pageHref = (p: number) =>
    `/admin/sessions?${new URLSearchParams({ ...(status ? { status } : {}), page: String(p) }).toString()}`;
  return (
    <>
      <h1>All sessions</h1>
      <form className="row admin-form" method="get" aria-label="Filter sessions">
        <label htmlFor="status-filter">Status</label>
        <select id="status-filter" name="status" defaultValue={status ?? ''}>
          <option value="">any</option>
          {SESSION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Show</button>
      </form>
      {data.sessions.length === 0 ? (
        <div className="empty">
          <p>{status ? `No ${status} session.` : 'No session has been started yet.'}</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="admin-table">
            <caption className="muted">
              {data.total} {data.total === 1 ? 'session' : 'sessions'}
              {status && ` (${status})`}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Owner</th>
                <th scope="col">Avatar</th>
                <th scope="col">Status</th>
                <th scope="col">Minutes</th>
                <th scope="col">Viewers (peak)</th>
                <th scope="col">Speech chars</th>
                <th scope="col">Room</th>
              </tr>
            </thead>
            <tbody>
              {data.sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    <LocalTime iso={s.createdAt} />
                  </td>
                  <td>{s.ownerEmail}</td>
                  <td>{s.avatarName}</td>
                  <td>
                    <span className={`badge ${s.status satisfies Session['status']}`}>
                      {s.status}
                    </span>
                    {s.bookingId && <span className="muted"> booked</span>}
                    {s.error && <div className="muted">{s.error}</div>}
                  </td>
                  <td>{s.minutes}</td>
                  <td>
                    {s.viewersJoined} ({s.peakViewers})
                  </td>
                  <td>{s.speechChars}</td>
                  <td>
                    <code>{s.room}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav className="row pager" aria-label="Pages">
          {page > 1 && <a href={pageHref(page - 1)}>Previous</a>}
          <span className="muted">
            Page {page} of {pages}
          </span>
          {page < pages && <a href={pageHref(page + 1)}>Next</a>}
        </nav>
      )}
    </>
  );
}
