'use client';
import { type FormEvent, useRef, useState, useEffect } from 'react';
import type { BookingView } from '@/lib/bookings/booking-view';
import { dayLabel, DURATIONS_MIN, durationLabel, time } from './booking-format';
import { inputValues, suggestedStart } from './week';

interface Refusal {
  message: string;
  nextFreeStart?: string | null;
}

/**
 * The booking form: empty for a new booking (tomorrow 10:00 suggested), or filled with a
 * booking to change (`editing`), saved with POST or PATCH. A capacity refusal offers the
 * next free start in one click, the same way for both.
 */
export function BookingForm(props: {
  avatars: { id: string; name: string }[];
  editing: BookingView | null;
  onSaved: (booking: BookingView, message: string) => Promise<void>;
  onStopEditing: () => void;
}) {
  const { avatars, editing } = props;
  const initial = editing ? new Date(editing.startsAt) : suggestedStart();
  const first = inputValues(initial);
  const lengthMin = editing
    ? Math.round((Date.parse(editing.endsAt) - Date.parse(editing.startsAt)) / 60_000)
    : 60;
  const [date, setDate] = useState(first.date);
  const [startTime, setStartTime] = useState(first.time);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) titleRef.current?.focus();
  }, [editing]);
  const durations = DURATIONS_MIN.includes(lengthMin)
    ? DURATIONS_MIN
    : [...DURATIONS_MIN, lengthMin].sort((a, b) => a - b);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    setError(null);
    setRefusal(null);
    const start = new Date(`${date}T${startTime}`);
    if (Number.isNaN(start.getTime())) {
      setError('Choose a day and a start time.');
      return;
    }
    const end = new Date(start.getTime() + Number(field('duration')) * 60_000);
    const maxViewers = field('maxViewers');
    const common = {
      kind: field('kind'),
      talk: field('talk'),
      title: field('title'),
      ...(maxViewers ? { maxViewers: Number(maxViewers) } : {}),
    };
    // A change sends only the times that moved: a started booking may move its end only.
    const body = editing
      ? {
          ...common,
          ...(start.toISOString() !== editing.startsAt ? { startsAt: start.toISOString() } : {}),
          ...(end.toISOString() !== editing.endsAt ? { endsAt: end.toISOString() } : {}),
        }
      : {
          ...common,
          avatarId: field('avatarId'),
          startsAt: start.toISOString(),
          endsAt: end.toISOString(),
        };
    setBusy(true);
    try {
      const response = await fetch(
        editing ? `/api/v1/bookings/${editing.id}` : '/api/v1/bookings',
        {
          method: editing ? 'PATCH' : 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      );
      const saved = (await response.json().catch(() => ({}))) as BookingView & {
        error?: Refusal & { code?: string };
      };
      if (!response.ok) {
        if (saved.error?.code === 'no_capacity') setRefusal(saved.error);
        else setError(saved.error?.message ?? `Saving failed (${response.status}).`);
        return;
      }
      const when = `${dayLabel(start)}, ${time(saved.startsAt)}–${time(saved.endsAt)}`;
      await props.onSaved(saved, editing ? `Changed: ${when}.` : `Booked ${when}.`);
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

  if (avatars.length === 0) {
    return (
      <div className="card booking-form">
        <p className="empty">
          No avatar to book yet. <a href="/avatars">Create one</a> first.
        </p>
      </div>
    );
  }
  return (
    <form
      className="card booking-form"
      onSubmit={(e) => void onSubmit(e)}
      aria-label={editing ? 'Change the booking' : 'Book a slot'}
    >
      {editing && <h2 data-testid="editing">Change “{editing.title || 'booking'}”</h2>}
      <div className="field-grid">
        <div>
          <label htmlFor="booking-avatar">Avatar</label>
          <select
            id="booking-avatar"
            name="avatarId"
            required
            defaultValue={editing?.avatarId}
            disabled={!!editing}
            title={editing ? 'A booking keeps its avatar; book a new slot for another.' : undefined}
          >
            {avatars.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="booking-title">Title (optional)</label>
          <input
            id="booking-title"
            name="title"
            type="text"
            maxLength={120}
            defaultValue={editing?.title}
            ref={titleRef}
          />
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
          <select id="booking-duration" name="duration" defaultValue={String(lengthMin)}>
            {durations.map((m) => (
              <option key={m} value={m}>
                {durationLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="booking-kind">Kind</label>
          <select id="booking-kind" name="kind" defaultValue={editing?.kind ?? 'private'}>
            <option value="private">Private (you and people you invite)</option>
            <option value="broadcast">Broadcast (one avatar, many viewers)</option>
          </select>
        </div>
        <div>
          <label htmlFor="booking-talk">Who may talk</label>
          <select id="booking-talk" name="talk" defaultValue={editing?.talk ?? 'owner'}>
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
            defaultValue={editing?.maxViewers}
            placeholder="10 private, 100 broadcast"
          />
        </div>
      </div>
      <p className="row">
        <button type="submit" disabled={busy} data-testid="book">
          {editing ? (busy ? 'Saving…' : 'Save changes') : busy ? 'Booking…' : 'Book'}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={props.onStopEditing}>
            Keep as it was
          </button>
        )}
      </p>
      {refusal && (
        <div className="error" role="alert" data-testid="booking-refused">
          <p>{refusal.message}</p>
          {refusal.nextFreeStart && (
            <button
              type="button"
              className="secondary"
              onClick={() => takeNextFree(refusal.nextFreeStart!)}
            >
              Use {dayLabel(new Date(refusal.nextFreeStart))}, {time(refusal.nextFreeStart)} instead
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
