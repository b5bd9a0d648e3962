import type { PrismaClient } from '@prisma/client';
import { env } from '@/lib/config/env';
import { meterSpeech } from '@/lib/sessions/meter-speech';
import { speak } from '@/lib/sessions/speak';
import { startSession } from '@/lib/sessions/start-session';
import { stopSession } from '@/lib/sessions/stop-session';
import type { SchedulerActions } from './booking-scheduler';

/**
 * What the booking scheduler does to real sessions: a booked session belongs to the booking's
 * owner (it is listed with the others, with its `bookingId`), is public to the link's holders
 * when the booking is a broadcast, and is started without waiting for the avatar to be live.
 */
export function bookedSessionActions(prisma: PrismaClient): SchedulerActions {
  return {
    start: async (booking) => {
      await startSession(prisma, {
        userId: booking.userId,
        avatarId: booking.avatarId,
        dataDir: env().FACECAST_DATA_DIR,
        publicViewing: booking.kind === 'broadcast',
        // "invited": only join-link holders, checked when tokens are issued (lib/rooms).
        guestsMayTalk: booking.talk !== 'owner',
        bookingId: booking.id,
        waitMs: 0,
      });
    },
    warn: async (session, booking) => {
      await speak(session.roomName, { text: booking.goodbye, interrupt: false });
      await meterSpeech({ prisma, sessionId: session.id, chars: booking.goodbye });
    },
    stop: async (session) => {
      await stopSession(prisma, { userId: session.userId, sessionId: session.id });
    },
  };
}
