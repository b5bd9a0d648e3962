import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { sendControl } from '@/lib/livekit/livekit';
import { meterSpeech } from '@/lib/sessions/meter-speech';
import { broadcastRoomEvent } from './broadcast-room-event';
import { chatLineView } from './chat-line-view';
import { assertModerator, assertRunning, type RoomActor } from './room-actor';
import type { ChatLineView } from './room-event-types';

/**
 * The host (or a moderator) approves a pending question, which the avatar then answers (chat
 * mode) or reads (echo mode) after what it is saying, or dismisses it; either way it leaves
 * everyone's queue.
 */
export async function decideQuestion(options: {
  prisma: PrismaClient;
  actor: RoomActor;
  questionId: string;
  action: 'approve' | 'dismiss';
}): Promise<ChatLineView> {
  const { prisma, actor, action } = options;
  assertModerator(actor, 'answer questions');
  assertRunning(actor);
  const { session } = actor;
  const status = action === 'approve' ? 'approved' : 'dismissed';
  // Only a pending question changes: two moderators clicking at once answer it once.
  const changed = await prisma.chatMessage.updateMany({
    where: { id: options.questionId, sessionId: session.id, kind: 'question', status: 'pending' },
    data: { status },
  });
  const question = await prisma.chatMessage.findFirst({
    where: { id: options.questionId, sessionId: session.id, kind: 'question' },
  });
  if (!question) throw notFound('Question');
  if (changed.count === 0) {
    throw new ApiError('conflict', `This question was already ${question.status}.`);
  }
  const line = chatLineView(question);
  if (action === 'approve') {
    await sendControl(session.roomName, {
      type: 'message',
      text: question.text,
      speaker: question.name,
      interrupt: false,
      queue: 'always',
    });
    await meterSpeech({ prisma, sessionId: session.id, chars: question.text });
  }
  await broadcastRoomEvent(session.roomName, { type: 'question', line });
  return line;
}
