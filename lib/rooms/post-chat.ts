import type { PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { sendControl } from '@/lib/livekit/livekit';
import { meterSpeech } from '@/lib/sessions/meter-speech';
import { broadcastRoomEvent } from './broadcast-room-event';
import { chatLineView } from './chat-line-view';
import { consumeChatPoint } from './chat-rate-limit';
import { assertRunning, type RoomActor } from './room-actor';
import type { ChatLineView } from './room-event-types';

/**
 * A chat line or a question from someone in the room: refused when their chat is muted or
 * over the rate limit; stored, then shown to everyone. A chat line that reaches the avatar
 * (RoomActor.reachesAvatar) is also a turn for it (answered in chat mode, said in echo mode), as a turn the worker
 * drops rather than queue more than a few seconds of speech behind what is being said.
 * Questions wait for the host.
 */
export async function postChat(options: {
  prisma: PrismaClient;
  actor: RoomActor;
  text: string;
  kind: 'chat' | 'question';
}): Promise<ChatLineView> {
  const { prisma, actor, kind } = options;
  assertRunning(actor);
  if (actor.chatMuted) {
    throw new ApiError('forbidden', 'The host muted your chat in this room.');
  }
  const { session } = actor;
  await consumeChatPoint(prisma, `${session.id}:${actor.identity ?? 'owner'}`);
  const text = options.text.trim();
  const message = await prisma.chatMessage.create({
    data: {
      sessionId: session.id,
      identity: actor.identity ?? 'owner',
      name: actor.name,
      text,
      kind,
      status: kind === 'question' ? 'pending' : 'shown',
    },
  });
  const line = chatLineView(message);
  await broadcastRoomEvent(session.roomName, { type: kind, line });
  if (kind === 'chat' && actor.reachesAvatar) {
    await sendControl(session.roomName, {
      type: 'message',
      text,
      speaker: actor.name,
      interrupt: false,
      queue: 'bounded',
    });
    await meterSpeech({ prisma, sessionId: session.id, chars: text });
  }
  return line;
}
