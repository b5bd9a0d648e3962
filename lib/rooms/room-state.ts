import type { PrismaClient } from '@prisma/client';
import { roomService } from '@/lib/livekit/livekit';
import { chatLineView } from './chat-line-view';
import type { RoomActor } from './room-actor';
import type { ParticipantRole, RoomParticipantView, RoomStateView } from './room-event-types';

/** Chat lines a joining page gets. */
const RECENT_CHAT = 50;

function roleOf(role: string): ParticipantRole {
  return role === 'host' || role === 'moderator' ? role : 'guest';
}

/**
 * What a page needs when it joins: who is in the room now (LiveKit's presence, with roles and
 * mutes from the database), the recent chat, the pending questions, and the caller's own row.
 */
export async function roomState(prisma: PrismaClient, actor: RoomActor): Promise<RoomStateView> {
  const { session } = actor;
  const [rows, chat, questions, present] = await Promise.all([
    prisma.roomParticipant.findMany({ where: { sessionId: session.id, removedAt: null } }),
    prisma.chatMessage.findMany({
      where: { sessionId: session.id, kind: 'chat' },
      orderBy: { createdAt: 'desc' },
      take: RECENT_CHAT,
    }),
    prisma.chatMessage.findMany({
      where: { sessionId: session.id, kind: 'question', status: 'pending' },
      orderBy: { createdAt: 'asc' },
    }),
    roomService()
      .listParticipants(session.roomName)
      .catch(() => []),
  ]);
  const byIdentity = new Map(rows.map((row) => [row.identity, row]));
  const participants: RoomParticipantView[] = [];
  for (const p of present) {
    const row = byIdentity.get(p.identity);
    if (!row) continue;
    participants.push({
      identity: row.identity,
      name: row.name,
      role: roleOf(row.role),
      chatMuted: row.chatMuted,
    });
  }
  const mine = actor.identity ? byIdentity.get(actor.identity) : undefined;
  return {
    sessionId: session.id,
    locked: session.roomLocked,
    me: mine
      ? {
          identity: mine.identity,
          name: mine.name,
          role: roleOf(mine.role),
          chatMuted: mine.chatMuted,
        }
      : null,
    participants,
    chat: chat.reverse().map(chatLineView),
    questions: questions.map(chatLineView),
  };
}
