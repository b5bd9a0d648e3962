/**
 * Bookings as iCalendar (RFC 5545) files, written by `ical-generator`: one booking's `.ics`
 * (later the user's feed uses the same events). Times are UTC instants; calendar apps show
 * them in the reader's zone.
 */
import type { Booking } from '@prisma/client';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { joinUrl } from './booking-view';

export interface IcsBooking extends Booking {
  avatar: { name: string };
}

/** The calendar event's title: the booking's title, else the avatar's name. */
export function bookingTitle(booking: IcsBooking): string {
  return booking.title || `${booking.avatar.name} — Facecast session`;
}

/** An iCalendar file holding `bookings`, named `name`. */
export function bookingsCalendar(name: string, bookings: readonly IcsBooking[]): string {
  const calendar = ical({
    name,
    prodId: { company: 'Facecast', product: 'bookings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const booking of bookings) {
    const link = joinUrl(booking.joinKey);
    calendar.createEvent({
      // Stable across downloads, so a calendar updates the event instead of adding one.
      id: `booking-${booking.id}@facecast`,
      start: booking.startsAt,
      end: booking.endsAt,
      stamp: booking.updatedAt,
      created: booking.createdAt,
      lastModified: booking.updatedAt,
      // Grows with every change, as RFC 5545 asks of a changed event.
      sequence: Math.max(
        0,
        Math.floor((booking.updatedAt.getTime() - booking.createdAt.getTime()) / 1000),
      ),
      summary: bookingTitle(booking),
      description: `${booking.kind === 'broadcast' ? 'Broadcast' : 'Private'} session with ${booking.avatar.name}. Join: ${link}`,
      url: link,
      status:
        booking.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
