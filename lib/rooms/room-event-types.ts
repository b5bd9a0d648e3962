/**
 * What the app tells everyone in a room (LiveKit data packets on ROOM_TOPIC, sent through the
 * server API so nobody can forge them): chat lines, questions and their fate, moderation.
 * Imported by the browser: no server code here.
 */

/** Data-packet topic of room events. */
export const ROOM_TOPIC = 'facecast.room';

/** Most characters one chat line or question may carry. */
export const CHAT_MAX_CHARS = 500;

export type ParticipantRole = 'host' | 'moderator' | 'guest';

export interface ChatLineView {
  id: string;
  identity: string;
  name: string;
  text: string;
  kind: 'chat' | 'question';
  /** chat: shown; question: pending, approved or dismissed. */
  status: 'shown' | 'pending' | 'approved' | 'dismissed';
  at: string;
}

export type RoomEvent =
  | { type: 'chat'; line: ChatLineView }
  | { type: 'question'; line: ChatLineView }
  | { type: 'participant'; identity: string; role: ParticipantRole; chatMuted: boolean }
  | { type: 'removed'; identity: string; reason: string }
  | { type: 'room'; locked: boolean };

/** A participant as the room's state lists it (names come from LiveKit presence too). */
export interface RoomParticipantView {
  identity: string;
  name: string;
  role: ParticipantRole;
  chatMuted: boolean;
}

/** `GET /api/rooms/:sessionId/state`: what a page needs when it joins. */
export interface RoomStateView {
  sessionId: string;
  locked: boolean;
  me: RoomParticipantView | null;
  participants: RoomParticipantView[];
  chat: ChatLineView[];
  questions: ChatLineView[];
}

/** Parses a room event packet; undefined for anything else. */
export function parseRoomEvent(payload: Uint8Array): RoomEvent | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(payload)) as RoomEvent;
    return typeof value === 'object' && value !== null && 'type' in value ? value : undefined;
  } catch {
    return undefined;
  }
}
