import type { Booking } from '@prisma/client';
import { env } from '@/lib/config/env';

/** A booking as the API shows it (GET/POST/PATCH /api/v1/bookings). */
export interface BookingView {
  id: string;
  avatarId: string;
  title: string;
  kind: Booking['kind'];
  talk: Booking['talk'];
  maxViewers: number;
  /** ISO 8601, UTC. */
  startsAt: string;
  endsAt: string;
  status: Booking['status'];
  /** The link to share: who may use it follows `kind` (docs/booking.md). */
  joinUrl: string;
  /** The booking's calendar file. */
  icsUrl: string;
  createdAt: string;
  updatedAt: string;
}

export function joinUrl(joinKey: string): string {
  return new URL(`/join/${joinKey}`, env().APP_URL).toString();
}

export function bookingView(booking: Booking): BookingView {
  return {
    id: booking.id,
    avatarId: booking.avatarId,
    title: booking.title,
    kind: booking.kind,
    talk: booking.talk,
    maxViewers: booking.maxViewers,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    status: booking.status,
    joinUrl: joinUrl(booking.joinKey),
    icsUrl: new URL(`/api/v1/bookings/${booking.id}/ics`, env().APP_URL).toString(),
    createdAt: booking.createdAt.toISOString(),
    updatedAt: booking.updatedAt.toISOString(),
  };
}
