'use client';
import { type FormEvent, useState } from 'react';
import { CHAT_MAX_CHARS, type RoomParticipantView } from '@/lib/rooms/room-event-types';
import { api, jsonInit } from '../api';
import { roomAuth, type RoomGrant } from './room-grant';
import { RoomPeople } from './room-people';
import { RoomSettings } from './room-settings';
import type { RoomFeed } from './use-room-feed';

/**
 * The shared room beside the avatar: who is here, the pending questions (the host approves
 * one for the avatar or dismisses it), one chat with sender names, and for the host the
 * room's lock and link.
 */
export function RoomPanel(props: {
  grant: RoomGrant;
  feed: RoomFeed;
  /** Whether chat lines reach the avatar too (shown as a hint). */
  chatReachesAvatar: boolean;
  disabled: boolean;
}) {
  const { grant, feed } = props;
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/rooms/${encodeURIComponent(grant.sessionId)}`;
  const moderating = feed.me.role !== 'guest';

  async function call(path: string, body: unknown) {
    setError(null);
    try {
      const init = jsonInit('POST', body);
      await api(`${base}${path}`, { ...init, headers: roomAuth(grant, true) });
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  }

  async function send(event: FormEvent, kind: 'chat' | 'question') {
    event.preventDefault();
    if (text.trim() === '') return;
    setBusy(true);
    if (await call('/chat', { text, kind })) setText('');
    setBusy(false);
  }

  const moderate = (person: RoomParticipantView, action: string) =>
    void call(`/participants/${encodeURIComponent(person.identity)}`, { action });

  return (
    <div className="card room-panel">
      <RoomPeople feed={feed} onModerate={moderate} />
      {moderating && <RoomSettings grant={grant} locked={feed.locked} />}
      <section aria-labelledby="room-questions-title">
        <h3 id="room-questions-title">Questions</h3>
        {feed.questions.length === 0 ? (
          <p className="muted">No questions waiting. Type one below and press “Ask”.</p>
        ) : (
          <ul className="room-questions" data-testid="question-list">
            {feed.questions.map((q) => (
              <li key={q.id} data-testid="question" data-text={q.text}>
                <span className="grow">
                  <strong>{q.name}:</strong> {q.text}
                </span>
                {moderating && (
                  <span className="row">
                    <button
                      type="button"
                      className="small"
                      data-testid="approve-question"
                      onClick={() => void call(`/questions/${q.id}`, { action: 'approve' })}
                    >
                      Approve
                    </button>
                    <button
                      type="button"
                      className="secondary small"
                      data-testid="dismiss-question"
                      onClick={() => void call(`/questions/${q.id}`, { action: 'dismiss' })}
                    >
                      Dismiss
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="room-chat-title">
        <h3 id="room-chat-title">Chat</h3>
        <p className="muted">
          {props.chatReachesAvatar
            ? `Everyone here sees your messages, and ${grant.avatarName} answers them.`
            : `Everyone here sees your messages. To ask ${grant.avatarName}, use “Ask”: the host picks the questions.`}
        </p>
        <div className="chat-log" aria-live="polite" data-testid="chat-log">
          {feed.chat.length === 0 ? (
            <p className="muted">No messages yet.</p>
          ) : (
            feed.chat.map((line) => (
              <p key={line.id} data-testid="chat-line" data-from={line.name}>
                <strong>{line.name}:</strong> {line.text}
              </p>
            ))
          )}
        </div>
        {feed.me.chatMuted ? (
          <p className="notice" data-testid="chat-muted">
            The host muted your chat.
          </p>
        ) : (
          <form onSubmit={(e) => void send(e, 'chat')} className="row">
            <input
              className="grow"
              type="text"
              aria-label="Message"
              data-testid="room-chat-input"
              value={text}
              maxLength={CHAT_MAX_CHARS}
              onChange={(e) => setText(e.target.value)}
              placeholder="Say something…"
              disabled={props.disabled}
            />
            <button
              type="submit"
              data-testid="room-chat-send"
              disabled={busy || text.trim() === '' || props.disabled}
            >
              Send
            </button>
            <button
              type="button"
              className="secondary"
              data-testid="room-question-send"
              disabled={busy || text.trim() === '' || props.disabled}
              onClick={(e) => void send(e, 'question')}
            >
              Ask
            </button>
          </form>
        )}
        {error && (
          <div className="error" role="alert" data-testid="room-error">
            {error}
          </div>
        )}
      </section>
    </div>
  );
}
