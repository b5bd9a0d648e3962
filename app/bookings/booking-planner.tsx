'use client';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import type { BookingView } from '@/lib/bookings/booking-view';
import { api } from '../_components/api';
import { WEEK_MS, addWeeks, inputValues, onDay, suggestedStart, weekDays, weekStart } from './week';

type Booking = BookingView;

interface Refusal {
  message: string;
  nextFreeStart?: string | null;
}

const DURATIONS_MIN = [15, 30, 45, 60, 90, 120, 180, 240, 360, 480];
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const dayLabel = (day: Date) =>
  day.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export function BookingPlanner({ avatars }: { avatars: { id: string; name: string }[] }) {
  const [monday, setMonday] = useState(() => weekStart(new Date()));
  const [bookings, setBookings] = useState<Booking[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = inputValues(suggestedStart());
  const [date, setDate] = useState(first.date);
  const [startTime, setStartTime] = useState(first.time);
  const zone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  const avatarName = useMemo(() => new Map(avatars.map((a) => [a.id, a.name])), [avatars]);

  const load = useCallback(async () => {
    const from = monday.toISOString();
    const to = new Date(monday.getTime() + WEEK_MS + 3_600_000).toISOString();
    const body = await api<{ bookings: Booking[] }>(
      `/api/v1/bookings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    setBookings(body.bookings);
  }, [monday]);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  async function onBook(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    setError(null);
    setRefusal(null);
    setNotice(null);
    const start = new Date(`${date}T${startTime}`);
    if (Number.isNaN(start.getTime())) {
      setError('Choose a day and a start time.');
      return;
    }
    const end = new Date(start.getTime() + Number(field('duration')) * 60_000);
    const maxViewers = field('maxViewers');
    setBusy(true);
    try {
      const response = await fetch('/api/v1/bookings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          avatarId: field('avatarId'),
          startsAt: start.toISOString(),
          endsAt: end.toISOString(),
          kind: field('kind'),
          talk: field('talk'),
          title: field('title'),
          ...(maxViewers ? { maxViewers: Number(maxViewers) } : {}),
        }),
      });
      const body = (await response.json().catch(() => ({}))) as Booking & {
        error?: Refusal & { code?: string };
      };
      if (!response.ok) {
        if (body.error?.code === 'no_capacity') setRefusal(body.error);
        else setError(body.error?.message ?? `Booking failed (${response.status}).`);
        return;
      }
      setNotice(`Booked ${dayLabel(start)}, ${time(body.startsAt)}–${time(body.endsAt)}.`);
      setMonday(weekStart(start));
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function takeNextFree(iso: string) {
    const values = inputValues(new Date(iso));
    setDate(values.date);
    setStartTime(values.time);
    setRefusal(null);
  }

  async function onCancel(booking: Booking) {
    if (!confirm(`Cancel the booking at ${time(booking.startsAt)}? Its slot is freed at once.`))
      return;
    await api(`/api/v1/bookings/${booking.id}`, { method: 'DELETE' }).catch((e: Error) =>
      setError(e.message),
    );
    await load();
  }

  async function copyLink(booking: Booking) {
    await navigator.clipboard.writeText(booking.joinUrl).catch(() => undefined);
    setNotice(`Link copied: ${booking.joinUrl}`);
  }

  const days = weekDays(monday);
  return (
    <>
      <h1>Bookings</h1>
      <p className="muted">
        Book an avatar for a time slot: its session starts by itself 30 seconds before and ends at
        the end. Times are in your time zone, <strong data-testid="time-zone">{zone}</strong>.
      </p>

      <form className="card booking-form" onSubmit={(e) => void onBook(e)} aria-label="Book a slot">
        {avatars.length === 0 ? (
          <p className="empty">
            No avatar to book yet. <a href="/avatars">Create one</a> first.
          </p>
        ) : (
          <>
            <div className="field-grid">
              <div>
                <label htmlFor="booking-avatar">Avatar</label>
                <select id="booking-avatar" name="avatarId" required>
                  {avatars.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="booking-title">Title (optional)</label>
                <input id="booking-title" name="title" type="text" maxLength={120} />
              </div>
              <div>
                <label htmlFor="booking-date">Day</label>
                <input
                  id="booking-date"
                  type="date"
                  required
                  value={date}
                  onChange={(e) => setDate(e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="booking-start">Starts at</label>
                <input
                  id="booking-start"
                  type="time"
                  required
                  value={startTime}
                  onChange={(e) => setStartTime(e.target.value)}
                />
              </div>
              <div>
                <label htmlFor="booking-duration">Length</label>
                <select id="booking-duration" name="duration" defaultValue="60">
                  {DURATIONS_MIN.map((m) => (
                    <option key={m} value={m}>
                      {m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="booking-kind">Kind</label>
                <select id="booking-kind" name="kind" defaultValue="private">
                  <option value="private">Private (you and people you invite)</option>
                  <option value="broadcast">Broadcast (one avatar, many viewers)</option>
                </select>
              </div>
              <div>
                <label htmlFor="booking-talk">Who may talk</label>
                <select id="booking-talk" name="talk" defaultValue="owner">
                  <option value="owner">Only me</option>
                  <option value="invited">People I invite</option>
                  <option value="everyone">Everyone</option>
                </select>
              </div>
              <div>
                <label htmlFor="booking-viewers">Max viewers (optional)</label>
                <input
                  id="booking-viewers"
                  name="maxViewers"
                  type="number"
                  min={1}
                  max={1000}
                  placeholder="10 private, 100 broadcast"
                />
              </div>
            </div>
            <p>
              <button type="submit" disabled={busy} data-testid="book">
                {busy ? 'Booking…' : 'Book'}
              </button>
            </p>
          </>
        )}
        {refusal && (
          <div className="error" role="alert" data-testid="booking-refused">
            <p>{refusal.message}</p>
            {refusal.nextFreeStart && (
              <button
                type="button"
                className="secondary"
                onClick={() => takeNextFree(refusal.nextFreeStart!)}
              >
                Use {dayLabel(new Date(refusal.nextFreeStart))}, {time(refusal.nextFreeStart)}{' '}
                instead
              </button>
            )}
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {notice && (
          <p className="muted" role="status" data-testid="booking-notice">
            {notice}
          </p>
        )}
      </form>

      <div className="row week-nav">
        <button type="button" className="secondary" onClick={() => setMonday(addWeeks(monday, -1))}>
          ← Previous week
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setMonday(weekStart(new Date()))}
        >
          This week
        </button>
        <button type="button" className="secondary" onClick={() => setMonday(addWeeks(monday, 1))}>
          Next week →
        </button>
        <span className="muted" data-testid="week-label">
          Week of {dayLabel(monday)}
        </span>
      </div>

      {bookings !== null && bookings.length === 0 && (
        <div className="empty" data-testid="no-bookings">
          No bookings this week.
        </div>
      )}
      <div className="week" aria-label="Bookings this week">
        {days.map((day) => (
          <section key={day.toISOString()} className="week-day" aria-label={dayLabel(day)}>
            <h3>{dayLabel(day)}</h3>
            {(bookings ?? [])
              .filter((b) => onDay(day, new Date(b.startsAt), new Date(b.endsAt)))
              .map((b) => (
                <article key={b.id} className="booking" data-testid="booking">
                  <div className="booking-time">
                    {time(b.startsAt)}–{time(b.endsAt)}
                  </div>
                  <div className="booking-title">{b.title || avatarName.get(b.avatarId)}</div>
                  <div className="muted">
                    <span className="badge">{b.kind}</span> {avatarName.get(b.avatarId)}
                  </div>
                  <div className="row booking-actions">
                    <button type="button" className="link" onClick={() => void copyLink(b)}>
                      Copy link
                    </button>
                    <a href={b.icsUrl} download>
                      .ics
                    </a>
                    <button type="button" className="link" onClick={() => void onCancel(b)}>
                      Cancel
                    </button>
                  </div>
                </article>
              ))}
          </section>
        ))}
      </div>
    </>
  );
}
