import { ParticipantInfo_Kind } from '@livekit/protocol';
import { AVATAR_IDENTITY } from '@/protocol/room-control';
import { roomService } from './livekit';

/**
 * Identities of the people in a room now, through the LiveKit server API: everyone but the
 * avatar (and other agents or recorders). A room that does not exist (yet, or any more) has
 * nobody in it.
 */
export async function listRoomViewers(roomName: string): Promise<string[]> {
  let participants;
  try {
    participants = await roomService().listParticipants(roomName);
  } catch (error) {
    if (isRoomMissing(error)) return [];
    throw error;
  }
  return participants
    .filter(
      (p) =>
        p.identity !== AVATAR_IDENTITY &&
        p.kind !== ParticipantInfo_Kind.AGENT &&
        p.kind !== ParticipantInfo_Kind.EGRESS,
    )
    .map((p) => p.identity);
}

function isRoomMissing(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown; message?: unknown } | null;
  return e?.status === 404 || e?.code === 'not_found' || /does not exist/i.test(String(e?.message));
}
