import type { Metadata } from 'next';
import { listAuditEvents } from '@/lib/audit/list-audit-events';
import { AUDIT_ACTIONS } from '@/lib/audit/record-audit';
import { db } from '@/lib/db/db';
import { LocalTime } from '../../_components/local-time';
import { requireAdmin } from '../require-admin';

export const metadata: Metadata = { title: 'Audit log · Admin · Facecast' };

type Search = Promise<{ action?: string; actorId?: string; before?: string }>;

/** Who did what to which resource, from where; newest first, filtered by action. Admins only. */
export default async function AdminAuditPage({ searchParams }: { searchParams: Search }) {
  await requireAdmin('/admin/audit');
  const params = await searchParams;
  const action = AUDIT_ACTIONS.find((a) => a === params.action);
  const actorId = params.actorId?.slice(0, 100) || undefined;
  const before = params.before?.slice(0, 100) || undefined;
  const { events, nextBefore } = await listAuditEvents(await db(), { action, actorId, before });
  const olderHref = (cursor: string) =>
    `/admin/audit?${new URLSearchParams({
      ...(action ? { action } : {}),
      ...(actorId ? { actorId } : {}),
      before: cursor,
    }).toString()}`;
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Logins, password and API-key changes, role changes, and avatar and session deletions: who,
        what, on which resource, from which address.
      </p>
      <form className="row admin-form" method="get" aria-label="Filter the audit log">
        <label htmlFor="action-filter">Action</label>
        <select id="action-filter" name="action" defaultValue={action ?? ''}>
          <option value="">any</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        {actorId && <input type="hidden" name="actorId" value={actorId} />}
        <button type="submit">Show</button>
        {(action || actorId || before) && <a href="/admin/audit">Newest, all actions</a>}
      </form>
      {events.length === 0 ? (
        <div className="empty">
          <p>{action ? `No ${action} event yet.` : 'Nothing has been recorded yet.'}</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="admin-table">
            <caption className="muted">Newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <LocalTime iso={e.at} />
                  </td>
                  <td>
                    {e.actorId ? (
                      <a href={`/admin/audit?actorId=${encodeURIComponent(e.actorId)}`}>
                        {e.actorEmail ?? e.actorId}
                      </a>
                    ) : (
                      (e.actorEmail ?? 'unknown')
                    )}
                    <div className="muted">{e.via}</div>
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
                  <td>
                    {e.ip}
                    {e.userAgent && <div className="muted">{e.userAgent.slice(0, 60)}</div>}
                  </td>
                  <td>{e.details ? <code>{JSON.stringify(e.details)}</code> : <span>—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore && (
        <nav className="row pager" aria-label="Pages">
          <a href={olderHref(nextBefore)}>Older</a>
        </nav>
      )}
    </>
  );
}
