import type { PrismaClient } from '@prisma/client';
import { bookingFromJoinKey } from './room-door';

export type JoinState = 'cancelled' | 'upcoming' | 'starting' | 'live' | 'over';

export interface JoinStatusView {
  title: string;
  avatarName: string;
  kind: 'private' | 'broadcast';
  startsAt: string;
  endsAt: string;
  state: JoinState;
}

/** Where a booking behind a join link stands, for the page that waits to join it. */
export async function joinStatus(prisma: PrismaClient, key: string): Promise<JoinStatusView> {
  const booking = await bookingFromJoinKey(prisma, key);
  const now = new Date();
  const status = booking.session?.status;
  const state: JoinState =
    booking.status === 'cancelled'
      ? 'cancelled'
      : status === 'live'
        ? 'live'
        : status === 'starting'
          ? 'starting'
          : booking.endsAt <= now || status === 'ended' || status === 'failed'
            ? 'over'
            : 'upcoming';
  return {
    title: booking.title || `A session with ${booking.avatar.name}`,
    avatarName: booking.avatar.name,
    kind: booking.kind,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    state,
  };
}
