import { randomBytes } from 'node:crypto';
import type { Booking, BookingKind, BookingTalk, PrismaClient } from '@prisma/client';
import { DEFAULT_MAX_VIEWERS } from './booking-rules';
import { checkSlot } from './check-slot';
import { bookInBatch } from './book-in-batches';

export interface CreateBookingOptions {
  userId: string;
  avatarId: string;
  startsAt: Date;
  endsAt: Date;
  kind: BookingKind;
  maxViewers?: number;
  talk?: BookingTalk;
  title?: string;
  now?: Date;
}

/**
 * Books an avatar of the user's for a slot, if the pool has room for it at every instant and
 * the user's quotas allow it (sessions at once, minutes in its month: lib/quotas).
 */
export async function createBooking(
  prisma: PrismaClient,
  options: CreateBookingOptions,
): Promise<Booking> {
  const now = options.now ?? new Date();
  const slot = { startsAt: options.startsAt, endsAt: options.endsAt };
  checkSlot(slot, now);
  // The avatar is checked to be the user's in the batch, with the others' (one query).
  return bookInBatch(prisma, {
    slot,
    now,
    data: {
      userId: options.userId,
      avatarId: options.avatarId,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      kind: options.kind,
      talk: options.talk ?? 'owner',
      maxViewers: options.maxViewers ?? DEFAULT_MAX_VIEWERS[options.kind],
      title: options.title?.trim() ?? '',
      joinKey: randomBytes(18).toString('base64url'),
    },
  });
}
