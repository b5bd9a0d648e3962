import { DataPacket_Kind } from 'livekit-server-sdk';
import { roomService } from '@/lib/livekit/livekit';
import { log } from '@/lib/log/logger';
import { ROOM_TOPIC, type RoomEvent } from './room-event-types';

/**
 * Tells everyone in the room (or only `to`) about a room event, through the server API so no
 * participant can forge one. Best effort: the state is in the database, and a page that
 * missed an event catches up when it reloads the room state.
 */
export async function broadcastRoomEvent(
  roomName: string,
  event: RoomEvent,
  to?: string[],
): Promise<void> {
  const payload = new TextEncoder().encode(JSON.stringify(event));
  try {
    await roomService().sendData(roomName, payload, DataPacket_Kind.RELIABLE, {
      topic: ROOM_TOPIC,
      ...(to ? { destinationIdentities: to } : {}),
    });
  } catch (error) {
    log.warn({ err: error, roomName, type: event.type }, 'room event not sent');
  }
}
