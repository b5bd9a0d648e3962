import { beforeAll, describe, expect, it } from 'vitest';
import { bookingsCalendar, type IcsBooking } from './booking-ics';

const booking = (over: Partial<IcsBooking> = {}): IcsBooking => ({
  id: 'b1',
  userId: 'u1',
  avatarId: 'a1',
  title: '',
  kind: 'broadcast',
  talk: 'owner',
  maxViewers: 100,
  startsAt: new Date('2027-03-01T09:00:00Z'),
  endsAt: new Date('2027-03-01T10:30:00Z'),
  status: 'scheduled',
  joinKey: 'join-key-1',
  goodbye: 'Goodbye.',
  warnedAt: null,
  createdAt: new Date('2027-02-01T08:00:00Z'),
  updatedAt: new Date('2027-02-01T08:00:00Z'),
  avatar: { name: 'Museum guide' },
  ...over,
});

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: 'booking-ics-test-secret-booking-ics-test',
    WORKER_SECRET: 'booking-ics-worker',
    APP_URL: 'http://localhost:3000',
  });
});

/** Unfolds RFC 5545 continuation lines. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('bookingsCalendar', () => {
  it('writes one event per booking with UTC times, a stable UID and the join link', () => {
    const ics = unfold(bookingsCalendar('Facecast booking', [booking()]));
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics).toContain('UID:booking-b1@facecast');
    expect(ics).toContain('DTSTART:20270301T090000Z');
    expect(ics).toContain('DTEND:20270301T103000Z');
    expect(ics).toContain('SUMMARY:Museum guide — Facecast session');
    expect(ics).toMatch(/URL(;VALUE=URI)?:http:\/\/localhost:3000\/join\/join-key-1/);
    expect(ics).toContain('STATUS:CONFIRMED');
    expect(ics).toContain('SEQUENCE:0');
  });

  it('marks a cancelled booking and counts its changes in SEQUENCE', () => {
    const ics = unfold(
      bookingsCalendar('x', [
        booking({
          title: 'Opening night',
          status: 'cancelled',
          updatedAt: new Date('2027-02-01T08:00:05Z'),
        }),
      ]),
    );
    expect(ics).toContain('SUMMARY:Opening night');
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('SEQUENCE:5');
  });
});
