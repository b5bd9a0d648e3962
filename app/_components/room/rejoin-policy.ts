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

/**
 * How many times livekit-client tries to resume or reconnect by itself (same Room, same
 * token) before it gives up and the viewer rejoins: enough for a network blip (~3.5 s).
 */
export const SDK_RECONNECT_ATTEMPTS = 4;

/**
 * livekit-client's own attempts: at once, then on the rejoin backoff. Short on purpose: after
 * a server restart its resume is refused (the new server does not know the participant) and
 * its default policy waits up to 7 s more before a full reconnect, up to ~44 s in all; the
 * rejoin after it joins afresh as soon as the server answers.
 */
export const reconnectPolicy: ReconnectPolicy = {
  nextRetryDelayInMs: ({ retryCount }) => {
    if (retryCount >= SDK_RECONNECT_ATTEMPTS) return null;
    return retryCount === 0 ? 0 : rejoinDelayMs(retryCount - 1);
  },
};

/** A probe that gets no answer within this long counts as no answer (ms). */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether the LiveKit server at `livekitUrl` (ws:// or wss://) answers HTTP again: a rejoin
 * asks the app for a token only then, so viewers waiting out an outage cost the app nothing.
 * The answer itself is not read (it is cross-origin); that one comes is enough.
 */
export async function livekitAnswers(livekitUrl: string): Promise<boolean> {
  try {
    const url = new URL(livekitUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.pathname = '/';
    url.search = '';
    await fetch(url, {
      mode: 'no-cors',
      cache: 'no-store',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return true;
  } catch {
    return false;
  }
}

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
