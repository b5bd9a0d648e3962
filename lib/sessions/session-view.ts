import type { Session } from '@prisma/client';
import { env } from '@/lib/config/env';
import { minutesOf } from '@/lib/quotas/calendar-month';
import { liveMsWithin } from '@/lib/quotas/user-usage';

export interface SessionView {
  id: string;
  avatarId: string;
  room: string;
  status: Session['status'];
  error?: string;
  publicViewing: boolean;
  /** Whether guests on the viewer URL may talk (publish a microphone); the owner always may. */
  guestsMayTalk: boolean;
  /** What draws the avatar: "builtin" or "onnx" (known once the session runs). */
  renderer?: string;
  /** Why the session does not use what the avatar asked for (e.g. its lip-sync model). */
  notice?: string;
  /** Conversation state: idle, listening, thinking or speaking. */
  state: string;
  /** Whether the avatar is speaking now. */
  speaking: boolean;
  livekitUrl: string;
  viewerUrl: string;
  createdAt: string;
  endedAt?: string;
  /** The booking the session was started for; absent for instant sessions. */
  bookingId?: string;
  /** When the avatar first went live (metering counts from here). */
  liveAt?: string;
  /** Set when the session is a LiveKit Agent's face: where it is (never its token). */
  agent?: { livekitUrl: string; room: string; agentIdentity: string };
  /** "widget" for a conversation a visitor opened in an embedded widget, else "app". */
  source: 'app' | 'widget';
  /** What the session has used so far (docs/booking.md, "Quotas and usage"). */
  usage: SessionUsage;
}

export interface SessionUsage {
  /** Minutes live, to one decimal: from liveAt to endedAt, or to now while it runs. */
  minutes: number;
  /** Characters the avatar was asked to say or answer (speak, messages, chat). */
  speechChars: number;
  /** People who joined the room, each counted once (the avatar not counted). */
  viewersJoined: number;
  /** Most people in the room at once. */
  peakViewers: number;
}

export function viewerUrl(viewerKey: string): string {
  return new URL(`/watch/${viewerKey}`, env().APP_URL).toString();
}

export function sessionView(session: Session, now = new Date()): SessionView {
  return {
    id: session.id,
    avatarId: session.avatarId,
    room: session.roomName,
    status: session.status,
    ...(session.error ? { error: session.error } : {}),
    publicViewing: session.publicViewing,
    guestsMayTalk: session.guestsMayTalk,
    ...(session.renderer ? { renderer: session.renderer } : {}),
    ...(session.notice ? { notice: session.notice } : {}),
    state: session.state,
    speaking: session.state === 'speaking',
    livekitUrl: env().LIVEKIT_URL,
    viewerUrl: viewerUrl(session.viewerKey),
    createdAt: session.createdAt.toISOString(),
    ...(session.endedAt ? { endedAt: session.endedAt.toISOString() } : {}),
    ...(session.bookingId ? { bookingId: session.bookingId } : {}),
    ...(session.liveAt ? { liveAt: session.liveAt.toISOString() } : {}),
    ...(session.agentUrl && session.agentRoom && session.agentIdentity
      ? {
          agent: {
            livekitUrl: session.agentUrl,
            room: session.agentRoom,
            agentIdentity: session.agentIdentity,
          },
        }
      : {}),
    source: session.source === 'widget' ? 'widget' : 'app',
    usage: {
      minutes: minutesOf(liveMsWithin(session, now)),
      speechChars: session.speechChars,
      viewersJoined: session.viewersJoined,
      peakViewers: session.peakViewers,
    },
  };
}
