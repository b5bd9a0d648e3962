/**
 * When and how soon a viewer joins its room again by itself: the viewer page
 * (live-viewer.tsx) and the embeddable widget (use-widget-room.ts). livekit-client resumes
 * or reconnects on its own first (RoomEvent.Reconnecting → Reconnected); after a LiveKit
 * server restart the room is gone and the client ends with Disconnected (SERVER_SHUTDOWN when
 * the server was stopped, or once its reconnect attempts run out): then the viewer asks the
 * app for a fresh token and connects again, with backoff, until the server is back or the app
 * says the session is over.
 */
import { DisconnectReason, type ReconnectPolicy, type Room } from 'livekit-client';
import { isAvatarParticipant } from '@/protocol/room-control';

/** Wait before the first rejoin attempt, doubled per failed attempt up to the cap (ms). */
export const REJOIN_MIN_DELAY_MS = 500;
export const REJOIN_MAX_DELAY_MS = 4_000;

/**
 * Disconnects that mean the connection was lost, not that the session or this viewer's place
 * in it ended (ROOM_DELETED is how the app ends a session; PARTICIPANT_REMOVED, a duplicate
 * identity and the viewer leaving end it too).
 */
const LOST: ReadonlySet<DisconnectReason> = new Set([
  DisconnectReason.UNKNOWN_REASON,
  DisconnectReason.SERVER_SHUTDOWN,
  DisconnectReason.STATE_MISMATCH,
  DisconnectReason.JOIN_FAILURE,
  DisconnectReason.MIGRATION,
  DisconnectReason.SIGNAL_CLOSE,
  DisconnectReason.CONNECTION_TIMEOUT,
  DisconnectReason.MEDIA_FAILURE,
]);

/** Whether the page should join again after a disconnect with this reason. */
export function shouldRejoin(reason: DisconnectReason | undefined): boolean {
  return reason === undefined || LOST.has(reason);
}

/** The wait before rejoin attempt `attempt` (0 = the first), in ms. */
export function rejoinDelayMs(attempt: number): number {
  return Math.min(REJOIN_MAX_DELAY_MS, REJOIN_MIN_DELAY_MS * 2 ** Math.max(0, attempt));
}

/** How many times livekit-client tries to resume or reconnect by itself before it gives up. */
export const SDK_RECONNECT_ATTEMPTS = 10;

/**
 * livekit-client's own reconnect attempts (same Room, same token) on the same backoff as a
 * rejoin: at once, then 0.5 s doubling to 4 s, 10 attempts (~28 s), then Disconnected and
 * the viewer rejoins. Its default waits up to 7 s between attempts, which after a server
 * restart is time the viewer spends looking at "Reconnecting…" with the server back.
 */
export const reconnectPolicy: ReconnectPolicy = {
  nextRetryDelayInMs: ({ retryCount }) => {
    if (retryCount >= SDK_RECONNECT_ATTEMPTS) return null;
    return retryCount === 0 ? 0 : rejoinDelayMs(retryCount - 1);
  },
};

/**
 * Whether a failed token request during a rejoin is final: the app answered that the session
 * is over or this viewer may not join (4xx). Network errors, 5xx, 408 and 429 are worth
 * another attempt.
 */
export function tokenRefusalIsFinal(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Whether the avatar's video is subscribed in `room` (it shows once more after a reconnect). */
export function avatarVideoShown(room: Room): boolean {
  for (const participant of room.remoteParticipants.values()) {
    if (!isAvatarParticipant(participant)) continue;
    for (const publication of participant.videoTrackPublications.values()) {
      if (publication.isSubscribed) return true;
    }
  }
  return false;
}
