import type { ParticipantRole } from '@/lib/rooms/room-event-types';

/** What a token request through a link answers (lib/rooms/room-token.ts RoomGrant). */
export interface RoomGrant {
  livekitUrl: string;
  token: string;
  identity: string;
  name: string;
  role: ParticipantRole;
  mayTalk: boolean;
  sessionId: string;
  avatarName: string;
  endsAt?: string;
  expiresAt: string;
}

/** Headers for the room routes: the room token is the caller's credential. */
export function roomAuth(grant: RoomGrant, json = false): HeadersInit {
  return {
    authorization: `Bearer ${grant.token}`,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}
