'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BookingView } from '@/lib/bookings/booking-view';
import { api } from '../_components/api';
import { BookingForm } from './booking-form';
import { dayLabel, time } from './booking-format';
import { WeekCalendar } from './week-calendar';
import { WEEK_MS, addWeeks, weekStart } from './week';

/** The bookings page: the form (new or a booking being changed) above a week calendar. */
export function BookingPlanner({ avatars }: { avatars: { id: string; name: string }[] }) {
  const [monday, setMonday] = useState(() => weekStart(new Date()));
  const [bookings, setBookings] = useState<BookingView[] | null>(null);
  const [editing, setEditing] = useState<BookingView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const zone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  const avatarName = useMemo(() => new Map(avatars.map((a) => [a.id, a.name])), [avatars]);

  const load = useCallback(async () => {
    const from = monday.toISOString();
    const to = new Date(monday.getTime() + WEEK_MS + 3_600_000).toISOString();
    const body = await api<{ bookings: BookingView[] }>(
      `/api/v1/bookings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    setBookings(body.bookings);
  }, [monday]);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  async function onSaved(booking: BookingView, message: string) {
    setNotice(message);
    setEditing(null);
    const week = weekStart(new Date(booking.startsAt));
    if (week.getTime() !== monday.getTime()) setMonday(week);
    else await load();
  }

  function onEdit(booking: BookingView) {
    setNotice(null);
    setEditing(booking);
    window.scrollTo({ top: 0, behavior: 'smooth' });
  }

  async function onCancel(booking: BookingView) {
    if (!confirm(`Cancel the booking at ${time(booking.startsAt)}? Its slot is freed at once.`))
      return;
    await api(`/api/v1/bookings/${booking.id}`, { method: 'DELETE' }).catch((e: Error) =>
      setError(e.message),
    );
    if (editing?.id === booking.id) setEditing(null);
    await load();
  }

  async function copyLink(booking: BookingView) {
    await navigator.clipboard.writeText(booking.joinUrl).catch(() => undefined);
    setNotice(`Link copied: ${booking.joinUrl}`);
  }

  return (
    <>
      <h1>Bookings</h1>
      <p className="muted">
        Book an avatar for a time slot: its session starts by itself 30 seconds before and ends at
        the end. Times are in your time zone, <strong data-testid="time-zone">{zone}</strong>.
      </p>

      <BookingForm
        // A fresh form for each booking changed, and for a new one after.
        key={editing?.id ?? 'new'}
        avatars={avatars}
        editing={editing}
        onSaved={onSaved}
        onStopEditing={() => setEditing(null)}
      />
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

      <WeekCalendar
        monday={monday}
        bookings={bookings}
        avatarName={avatarName}
        editingId={editing?.id ?? null}
        onEdit={onEdit}
        onCancel={(b) => void onCancel(b)}
        onCopyLink={(b) => void copyLink(b)}
      />
    </>
  );
}
