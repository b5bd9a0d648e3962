/**
 * A user's private calendar feed: one secret URL a calendar app subscribes to, holding the
 * user's bookings. Only the secret's SHA-256 is stored: the URL is shown once, when made;
 * making a new one ends the old one.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { env } from '@/lib/config/env';
import { bookingsCalendar } from './booking-ics';

/** The feed holds bookings from this long ago (ms)… */
const FEED_PAST_MS = 30 * 24 * 3_600_000;
/** …and at most this many of them. */
const FEED_MAX_BOOKINGS = 1_000;

const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function calendarFeedUrl(token: string): string {
  return new URL(`/api/calendar/${token}`, env().APP_URL).toString();
}

/** Makes (or replaces) the user's feed; returns its URL, which is not stored anywhere. */
export async function createCalendarFeed(prisma: PrismaClient, userId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await prisma.user.update({
    where: { id: userId },
    data: { calendarFeedHash: hashFeedToken(token) },
  });
  return calendarFeedUrl(token);
}

/** Turns the user's feed off: its URL answers 404 from now on. */
export async function disableCalendarFeed(prisma: PrismaClient, userId: string): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { calendarFeedHash: null } });
}

/** The feed's iCalendar text, or null for a URL that is not (or no longer) a feed. */
export async function calendarFeed(
  prisma: PrismaClient,
  token: string,
  now = new Date(),
): Promise<string | null> {
  if (!/^[\w-]{20,64}$/.test(token)) return null;
  const user = await prisma.user.findUnique({
    where: { calendarFeedHash: hashFeedToken(token) },
    select: { id: true },
  });
  if (!user) return null;
  const bookings = await prisma.booking.findMany({
    where: { userId: user.id, endsAt: { gt: new Date(now.getTime() - FEED_PAST_MS) } },
    include: { avatar: { select: { name: true } } },
    orderBy: { startsAt: 'asc' },
    take: FEED_MAX_BOOKINGS,
  });
  return bookingsCalendar('Facecast bookings', bookings);
}
