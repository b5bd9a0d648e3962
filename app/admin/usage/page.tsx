import type { Metadata } from 'next';
import type { DayUsage, UsageFigures } from '@/lib/admin/usage-report';
import { defaultUsageRange } from '@/lib/admin/usage-range';
import { usageReport } from '@/lib/admin/usage-report';
import { db } from '@/lib/db/db';
import { requireAdmin } from '../require-admin';
import { UsageChart } from './usage-chart';

export const metadata: Metadata = { title: 'Usage · Admin · Facecast' };

function FigureCells({ figures }: { figures: UsageFigures }) {
  return (
    <>
      <td>{figures.minutes}</td>
      <td>{figures.sessions}</td>
      <td>{figures.viewers}</td>
      <td>{figures.speechChars}</td>
    </>
  );
}

const FIGURE_HEADERS = ['Minutes', 'Sessions', 'Viewers', 'Speech chars'];

/** Days with usage, as a short line ("03-01: 30 min · 03-02: 45 min"). */
function ByDay({ days }: { days: DayUsage[] }) {
  if (days.length < 2) return null;
  return (
    <details>
      <summary className="muted">by day</summary>
      <ul className="muted">
        {days.map((d) => (
          <li key={d.day}>
            {d.day}: {d.minutes} min, {d.sessions} sessions, {d.viewers} viewers, {d.speechChars}{' '}
            chars
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Usage over the last 30 UTC days: a chart of minutes per day, per user and per avatar. */
export default async function AdminUsagePage() {
  await requireAdmin('/admin/usage');
  const report = await usageReport(await db(), defaultUsageRange(new Date()));
  return (
    <>
      <h1>Usage</h1>
      <p className="muted">
        Minutes count from when a session went live to its end (running sessions: until now).
        Sessions, viewers who joined and characters spoken count on the day a session went live. The
        same figures per day: <code>GET /api/v1/admin/usage</code>.
      </p>
      <UsageChart days={report.days} />
      <section aria-labelledby="usage-users">
        <h2 id="usage-users">Per user</h2>
        {report.users.length === 0 ? (
          <p className="empty">No session went live in these 30 days.</p>
        ) : (
          <div className="table-scroll">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  {FIGURE_HEADERS.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.users.map((u) => (
                  <tr key={u.userId}>
                    <td>
                      {u.email}
                      <ByDay days={u.days} />
                    </td>
                    <FigureCells figures={u} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="usage-avatars">
        <h2 id="usage-avatars">Per avatar</h2>
        {report.avatars.length === 0 ? (
          <p className="empty">No avatar was live in these 30 days.</p>
        ) : (
          <div className="table-scroll">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Avatar</th>
                  <th scope="col">Owner</th>
                  {FIGURE_HEADERS.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.avatars.map((a) => (
                  <tr key={a.avatarId}>
                    <td>
                      {a.name}
                      <ByDay days={a.days} />
                    </td>
                    <td>{a.ownerEmail}</td>
                    <FigureCells figures={a} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
