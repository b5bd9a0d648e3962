import { notFound } from 'next/navigation';
import { db } from '@/lib/db/db';
import { LocalTime } from '../../_components/local-time';

/**
 * The link a booking shares (`joinUrl`): what is booked and when, in the reader's time zone.
 * The key is the secret; a wrong one is a plain 404.
 */
export default async function JoinPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const booking = await (
    await db()
  ).booking.findUnique({
    where: { joinKey: key },
    include: { avatar: { select: { name: true } } },
  });
  if (!booking) notFound();
  const now = new Date();
  const state =
    booking.status === 'cancelled'
      ? 'This booking was cancelled.'
      : booking.endsAt <= now
        ? 'This session is over.'
        : booking.startsAt <= now
          ? 'This session is on now.'
          : 'This session has not started yet.';
  return (
    <div className="empty" data-testid="join-page">
      <h1>{booking.title || `A session with ${booking.avatar.name}`}</h1>
      <p>
        {booking.kind === 'broadcast' ? 'Broadcast' : 'Private session'} with{' '}
        <strong>{booking.avatar.name}</strong>
      </p>
      <p>
        <LocalTime iso={booking.startsAt.toISOString()} /> –{' '}
        <LocalTime iso={booking.endsAt.toISOString()} timeOnly />
      </p>
      <p data-testid="join-state">{state}</p>
    </div>
  );
}
