import type { Booking, PrismaClient, Session } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';

/** How someone came to a room: the session's viewer link, or a booking's join link. */
export type RoomVia = 'watch' | 'join';

export interface RoomDoor {
  session: Session & { avatar: { name: string } };
  booking: Booking | null;
  via: RoomVia;
}

const unknownLink = () =>
  new ApiError(
    'not_found',
    'This link is not valid: it may have been replaced by the host. Ask them for the new one.',
  );

/** The running session behind a viewer link (`/watch/<viewerKey>`). */
export async function doorFromViewerKey(prisma: PrismaClient, key: string): Promise<RoomDoor> {
  const session = await prisma.session.findUnique({
    where: { viewerKey: key },
    include: { avatar: { select: { name: true } }, booking: true },
  });
  if (!session) throw unknownLink();
  const { booking, ...rest } = session;
  return { session: rest, booking, via: 'watch' };
}

/**
 * The booking behind a join link (`/join/<joinKey>`) and its session once started; null
 * session while the booking has not started (the page then waits).
 */
export async function bookingFromJoinKey(prisma: PrismaClient, key: string) {
  const booking = await prisma.booking.findUnique({
    where: { joinKey: key },
    include: {
      avatar: { select: { name: true } },
      session: { include: { avatar: { select: { name: true } } } },
    },
  });
  if (!booking) throw unknownLink();
  return booking;
}

export async function doorFromJoinKey(prisma: PrismaClient, key: string): Promise<RoomDoor> {
  const { session, avatar: _avatar, ...booking } = await bookingFromJoinKey(prisma, key);
  if (booking.status === 'cancelled') {
    throw new ApiError('conflict', 'This booking was cancelled by its host.');
  }
  if (!session) {
    throw new ApiError(
      'conflict',
      'This session has not started yet: keep this page open, it joins by itself.',
    );
  }
  return { session, booking, via: 'join' };
}

/** Whether someone who is not the owner may publish a microphone in the room. */
export function guestMayTalk(door: {
  session: Pick<Session, 'guestsMayTalk'>;
  booking: Pick<Booking, 'talk'> | null;
  via: RoomVia;
}): boolean {
  if (!door.session.guestsMayTalk) return false;
  // "Invited" talkers are the join link's holders, not viewers of the public viewer link.
  return door.booking?.talk !== 'invited' || door.via === 'join';
}
