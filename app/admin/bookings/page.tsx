import type { Metadata } from 'next';
import { listAllBookings } from '@/lib/admin/list-all-bookings';
import { db } from '@/lib/db/db';
import { LocalTime } from '../../_components/local-time';
import { requireAdmin } from '../require-admin';

export const metadata: Metadata = { title: 'All bookings · Admin · Facecast' };

const DAY_MS = 24 * 3_600_000;
/** Days shown from `from` (UTC days). */
const RANGE_DAYS = [7, 30, 90] as const;

type Search = Promise<{ from?: string; days?: string; cancelled?: string }>;

/** Every user's bookings from a day (UTC) for 7, 30 or 90 days. Admins only. */
export default async function AdminBookingsPage({ searchParams }: { searchParams: Search }) {
  await requireAdmin('/admin/bookings');
  const params = await searchParams;
  const today = new Date().toISOString().slice(0, 10);
  const fromDay = /^\d{4}-\d{2}-\d{2}$/.test(params.from ?? '') ? params.from! : today;
  const days = RANGE_DAYS.find((d) => String(d) === params.days) ?? 30;
  const cancelled = params.cancelled === 'true';
  const from = new Date(`${fromDay}T00:00:00Z`);
  const valid = !Number.isNaN(from.getTime());
  const bookings = valid
    ? await listAllBookings(await db(), {
        from,
        to: new Date(from.getTime() + days * DAY_MS),
        cancelled,
      })
    : [];
  return (
    <>
      <h1>All bookings</h1>
      <form className="row admin-form" method="get" aria-label="Filter bookings">
        <label htmlFor="from">From (UTC day)</label>
        <input id="from" name="from" type="date" defaultValue={fromDay} />
        <label htmlFor="days">for</label>
        <select id="days" name="days" defaultValue={String(days)}>
          {RANGE_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
        <label className="check row">
          <input type="checkbox" name="cancelled" value="true" defaultChecked={cancelled} />
          <span>Cancelled too</span>
        </label>
        <button type="submit">Show</button>
      </form>
      {!valid && (
        <p className="error" role="alert">
          Enter the first day as YYYY-MM-DD.
        </p>
      )}
      {bookings.length === 0 ? (
        <div className="empty">
          <p>
            No booking from {fromDay} for {days} days.
          </p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="admin-table">
            <caption className="muted">
              {bookings.length} {bookings.length === 1 ? 'booking' : 'bookings'} by start time
            </caption>
            <thead>
              <tr>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Owner</th>
                <th scope="col">Avatar</th>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Viewers</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {bookings.map((b) => (
                <tr key={b.id}>
                  <td>
                    <LocalTime iso={b.startsAt} />
                  </td>
                  <td>
                    <LocalTime iso={b.endsAt} timeOnly />
                  </td>
                  <td>{b.ownerEmail}</td>
                  <td>{b.avatarName}</td>
                  <td>{b.title || <span className="muted">untitled</span>}</td>
                  <td>
                    {b.kind} · {b.talk} may talk
                  </td>
                  <td>{b.maxViewers}</td>
                  <td>{b.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
