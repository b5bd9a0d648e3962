'use client';
import { type Participant, type Room, RoomEvent } from 'livekit-client';
import { useCallback, useEffect, useState } from 'react';
import {
  type ChatLineView,
  parseRoomEvent,
  ROOM_TOPIC,
  type RoomParticipantView,
  type RoomStateView,
} from '@/lib/rooms/room-event-types';
import { api } from '../api';
import { roomAuth, type RoomGrant } from './room-grant';

const AVATAR = 'avatar';
const CHAT_LINES_KEPT = 100;

export interface RoomFeed {
  /** Everyone connected but the avatar, me first. */
  people: RoomParticipantView[];
  chat: ChatLineView[];
  questions: ChatLineView[];
  locked: boolean;
  me: RoomParticipantView;
  /** Set when the host removed me (or rotated the link I came through). */
  removedReason: string | null;
}

function upsert(lines: ChatLineView[], line: ChatLineView): ChatLineView[] {
  const rest = lines.filter((l) => l.id !== line.id);
  return [...rest, line].slice(-CHAT_LINES_KEPT);
}

/**
 * The shared side of a room: presence from LiveKit (names from the tokens), roles, mutes,
 * chat and questions from the app (state on join, then its server-sent data packets).
 */
export function useRoomFeed(room: Room | null, grant: RoomGrant | null, connected: boolean) {
  const [presence, setPresence] = useState<{ identity: string; name: string }[]>([]);
  const [roles, setRoles] = useState<Map<string, RoomParticipantView>>(new Map());
  const [chat, setChat] = useState<ChatLineView[]>([]);
  const [questions, setQuestions] = useState<ChatLineView[]>([]);
  const [locked, setLocked] = useState(false);
  const [removedReason, setRemovedReason] = useState<string | null>(null);

  const loadState = useCallback(async () => {
    if (!grant) return;
    const state = await api<RoomStateView>(`/api/rooms/${encodeURIComponent(grant.sessionId)}`, {
      headers: roomAuth(grant),
    });
    setRoles(new Map(state.participants.map((p) => [p.identity, p])));
    if (state.me) setRoles((m) => new Map(m).set(state.me!.identity, state.me!));
    setChat(state.chat);
    setQuestions(state.questions);
    setLocked(state.locked);
  }, [grant]);

  useEffect(() => {
    if (!room || !connected) return;
    const refresh = () => {
      const list: { identity: string; name: string }[] = [];
      const add = (p: Participant) => {
        if (p.identity !== AVATAR) list.push({ identity: p.identity, name: p.name || p.identity });
      };
      add(room.localParticipant);
      room.remoteParticipants.forEach(add);
      setPresence(list);
    };
    refresh();
    void loadState().catch(() => undefined);
    const onData = (payload: Uint8Array, _p?: unknown, _k?: unknown, topic?: string) => {
      if (topic !== ROOM_TOPIC) return;
      const event = parseRoomEvent(payload);
      if (!event) return;
      switch (event.type) {
        case 'chat':
          setChat((lines) => upsert(lines, event.line));
          break;
        case 'question':
          setQuestions((lines) =>
            event.line.status === 'pending'
              ? upsert(lines, event.line)
              : lines.filter((l) => l.id !== event.line.id),
          );
          break;
        case 'participant':
          setRoles((m) => {
            const next = new Map(m);
            const known = next.get(event.identity);
            next.set(event.identity, {
              identity: event.identity,
              name: known?.name ?? event.identity,
              role: event.role,
              chatMuted: event.chatMuted,
            });
            return next;
          });
          break;
        case 'removed':
          if (event.identity === room.localParticipant.identity) setRemovedReason(event.reason);
          break;
        case 'room':
          setLocked(event.locked);
          break;
      }
    };
    room
      .on(RoomEvent.ParticipantConnected, refresh)
      .on(RoomEvent.ParticipantDisconnected, refresh)
      .on(RoomEvent.ParticipantNameChanged, refresh)
      .on(RoomEvent.DataReceived, onData);
    return () => {
      room
        .off(RoomEvent.ParticipantConnected, refresh)
        .off(RoomEvent.ParticipantDisconnected, refresh)
        .off(RoomEvent.ParticipantNameChanged, refresh)
        .off(RoomEvent.DataReceived, onData);
    };
  }, [room, connected, loadState]);

  const people: RoomParticipantView[] = presence.map((p) => ({
    identity: p.identity,
    name: p.name,
    role: roles.get(p.identity)?.role ?? 'guest',
    chatMuted: roles.get(p.identity)?.chatMuted ?? false,
  }));
  const meIdentity = grant?.identity ?? '';
  const me = roles.get(meIdentity) ?? {
    identity: meIdentity,
    name: grant?.name ?? '',
    role: grant?.role ?? 'guest',
    chatMuted: false,
  };
  people.sort((a, b) => Number(b.identity === meIdentity) - Number(a.identity === meIdentity));
  const feed: RoomFeed = { people, chat, questions, locked, me, removedReason };
  return feed;
}
