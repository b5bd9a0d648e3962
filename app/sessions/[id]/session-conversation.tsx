'use client';
/**
 * The owner's view of a running session: the live avatar with captions, the conversation
 * state, the transcript, a text box that asks the avatar (a user turn, answered by the model
 * in chat mode) or has it say a text exactly, and Stop, which silences it at once (also the
 * Escape key while the focus is not in a text field).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { ConversationMode } from '@/protocol/conversation';
import type { SessionState } from '@/protocol/session-events';
import { api, jsonInit } from '../../_components/api';
import { LiveViewer } from '../../_components/live-viewer';
import { TranscriptPanel } from './transcript-panel';
import { useConversation } from './use-conversation';

const MAX_CHARS = 1000;

const STATE_LABELS: Record<SessionState, string> = {
  idle: 'Idle',
  listening: 'Listening',
  thinking: 'Thinking…',
  speaking: 'Speaking',
};

type SendMode = 'ask' | 'say';

/** Whether a key press belongs to a field where Escape has its own meaning. */
function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function SessionConversation(props: {
  sessionId: string;
  avatarName: string;
  mode: ConversationMode;
  initialState: SessionState;
}) {
  const { sessionId } = props;
  const conversation = useConversation({ sessionId, initialState: props.initialState, live: true });
  const [sendMode, setSendMode] = useState<SendMode>(props.mode === 'chat' ? 'ask' : 'say');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;

  const stop = useCallback(async () => {
    setError(null);
    try {
      await api(`${base}/interrupt`, { method: 'POST' });
    } catch (e) {
      setError((e as Error).message);
    }
  }, [base]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || inTextField(event.target)) return;
      void stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [stop]);

  async function onSend(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (trimmed === '') return;
    setSending(true);
    setError(null);
    try {
      if (sendMode === 'ask') {
        await api(`${base}/messages`, jsonInit('POST', { text: trimmed }));
      } else {
        await api(`${base}/speak`, jsonInit('POST', { text: trimmed }));
      }
      setText('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  }

  const { state } = conversation;
  const panel = (
    <div className="card conversation-panel">
      <div className="row">
        <h2 className="grow" style={{ margin: 0 }}>
          Conversation
        </h2>
        <span
          className={`badge state-${state}`}
          data-testid="conversation-state"
          data-state={state}
          role="status"
          aria-label={`The avatar is ${state}`}
        >
          {STATE_LABELS[state]}
        </span>
      </div>
      {conversation.error && (
        <p className="error" data-testid="conversation-error">
          {conversation.error}
        </p>
      )}
      <TranscriptPanel
        turns={conversation.turns}
        avatarName={props.avatarName}
        loadError={conversation.loadError}
        empty={
          props.mode === 'chat'
            ? 'Nothing said yet. Ask the avatar something below.'
            : 'Nothing said yet. Type a text below and the avatar says it.'
        }
      />
      <form onSubmit={(e) => void onSend(e)}>
        <fieldset className="send-mode">
          <legend>What the avatar does with your text</legend>
          <label className="row check">
            <input
              type="radio"
              name="send-mode"
              value="ask"
              checked={sendMode === 'ask'}
              onChange={() => setSendMode('ask')}
              data-testid="send-mode-ask"
            />
            {props.mode === 'chat' ? 'Ask (it answers)' : 'Message (a turn it repeats)'}
          </label>
          <label className="row check">
            <input
              type="radio"
              name="send-mode"
              value="say"
              checked={sendMode === 'say'}
              onChange={() => setSendMode('say')}
              data-testid="send-mode-say"
            />
            Say exactly
          </label>
        </fieldset>
        <div className="row">
          <input
            className="grow"
            type="text"
            aria-label={sendMode === 'ask' ? 'Your message' : 'Text to say'}
            data-testid="chat-input"
            value={text}
            maxLength={MAX_CHARS}
            onChange={(e) => setText(e.target.value)}
            placeholder={sendMode === 'ask' ? 'Ask a question…' : 'Hello! Welcome to the museum.'}
          />
          <button type="submit" data-testid="chat-send" disabled={sending || text.trim() === ''}>
            {sendMode === 'ask' ? 'Send' : 'Say it'}
          </button>
          <button
            type="button"
            className="danger"
            data-testid="stop-speaking"
            onClick={() => void stop()}
            aria-keyshortcuts="Escape"
          >
            Stop
          </button>
        </div>
        <p className="muted hint">
          Stop (or Esc outside a text field) silences the avatar at once.
        </p>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );

  return <LiveViewer tokenUrl={`${base}/tokens`} panel={panel} />;
}

/** The transcript of a session that has ended: only what was stored. */
export function EndedSessionTranscript(props: { sessionId: string; avatarName: string }) {
  const conversation = useConversation({
    sessionId: props.sessionId,
    initialState: 'idle',
    live: false,
  });
  return (
    <div className="card" style={{ marginTop: 24 }}>
      <TranscriptPanel
        turns={conversation.turns}
        avatarName={props.avatarName}
        loadError={conversation.loadError}
        empty="Nothing was said in this session."
      />
    </div>
  );
}
