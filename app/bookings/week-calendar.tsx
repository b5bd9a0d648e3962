'use client';
import type { BookingView } from '@/lib/bookings/booking-view';
import { dayLabel, time } from './booking-format';
import { onDay, weekDays } from './week';

/** The week's bookings, one column a day, with what can be done to each. */
export function WeekCalendar(props: {
  monday: Date;
  bookings: BookingView[] | null;
  avatarName: Map<string, string>;
  editingId: string | null;
  onEdit: (booking: BookingView) => void;
  onCancel: (booking: BookingView) => void;
  onCopyLink: (booking: BookingView) => void;
}) {
  const { bookings, avatarName } = props;
  const now = Date.now();
  return (
    <>
      {bookings !== null && bookings.length === 0 && (
        <div className="empty" data-testid="no-bookings">
          No bookings this week.
        </div>
      )}
      <div className="week" aria-label="Bookings this week">
        {weekDays(props.monday).map((day) => (
          <section key={day.toISOString()} className="week-day" aria-label={dayLabel(day)}>
            <h3>{dayLabel(day)}</h3>
            {(bookings ?? [])
              .filter((b) => onDay(day, new Date(b.startsAt), new Date(b.endsAt)))
              .map((b) => (
                <article
                  key={b.id}
                  className={`booking${props.editingId === b.id ? ' editing' : ''}`}
                  data-testid="booking"
                >
                  <div className="booking-time">
                    {time(b.startsAt)}–{time(b.endsAt)}
                  </div>
                  <div className="booking-title">{b.title || avatarName.get(b.avatarId)}</div>
                  <div className="muted">
                    <span className="badge">{b.kind}</span> {avatarName.get(b.avatarId)}
                  </div>
                  <div className="row booking-actions">
                    <button type="button" className="link" onClick={() => props.onCopyLink(b)}>
                      Copy link
                    </button>
                    <a href={b.icsUrl} download>
                      .ics
                    </a>
                    {Date.parse(b.endsAt) > now && (
                      <button type="button" className="link" onClick={() => props.onEdit(b)}>
                        Edit
                      </button>
                    )}
                    <button type="button" className="link" onClick={() => props.onCancel(b)}>
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
