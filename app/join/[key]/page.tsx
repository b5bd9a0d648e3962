import { notFound } from 'next/navigation';
import { ApiError } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { db } from '@/lib/db/db';
import { joinStatus } from '@/lib/rooms/join-status';
import { LocalTime } from '../../_components/local-time';
import { JoinRoom } from './join-room';

/**
 * The link a booking shares (`joinUrl`): what is booked and when, in the reader's time zone;
 * it waits for the session to start and then joins its room (guests choose a name). The key
 * is the secret; a wrong one (or a replaced one) is a plain 404.
 */
export default async function JoinPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const prisma = await db();
  const status = await joinStatus(prisma, key).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'not_found') notFound();
    throw error;
  });
  const [user, booking] = await Promise.all([
    currentUser(),
    prisma.booking.findUnique({ where: { joinKey: key }, select: { userId: true } }),
  ]);
  return (
    <div data-testid="join-page">
      <h1>{status.title}</h1>
      <p>
        {status.kind === 'broadcast' ? 'Broadcast' : 'Private session'} with{' '}
        <strong>{status.avatarName}</strong> · <LocalTime iso={status.startsAt} /> –{' '}
        <LocalTime iso={status.endsAt} timeOnly />
      </p>
      <JoinRoom joinKey={key} initial={status} isOwner={!!user && user.id === booking?.userId} />
    </div>
  );
}
