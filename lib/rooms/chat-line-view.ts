import type { ChatMessage } from '@prisma/client';
import type { ChatLineView } from './room-event-types';

export function chatLineView(message: ChatMessage): ChatLineView {
  return {
    id: message.id,
    identity: message.identity,
    name: message.name,
    text: message.text,
    kind: message.kind === 'question' ? 'question' : 'chat',
    status: (['pending', 'approved', 'dismissed'].includes(message.status)
      ? message.status
      : 'shown') as ChatLineView['status'],
    at: message.createdAt.toISOString(),
  };
}
