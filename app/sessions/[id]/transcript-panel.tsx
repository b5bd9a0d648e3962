'use client';
/**
 * The session's transcript: who said what, in order; the avatar's turns as heard, an
 * interrupted one marked so. New turns are announced politely to screen readers.
 */
import { useEffect, useRef } from 'react';
import type { Turn } from './use-conversation';

/**
 * Who said a user turn: typed through the API or spoken with the owner's token (`viewer-…`,
 * the session page's or the owner's own on the watch page): you; a guest's voice (`guest-…`):
 * Guest; a viewer's chat: its identity.
 */
function speakerName(turn: Turn, avatarName: string): string {
  if (turn.role === 'avatar') return avatarName;
  const speaker = turn.speaker ?? 'api';
  if (speaker === 'api' || speaker.startsWith('viewer-')) return 'You';
  if (speaker.startsWith('guest-')) return 'Guest';
  return speaker;
}

export function TranscriptPanel(props: {
  turns: Turn[];
  avatarName: string;
  loadError?: string | null;
  /** Shown when there are no turns yet. */
  empty: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const last = props.turns.at(-1);
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [props.turns.length, last?.text]);

  return (
    <section aria-labelledby="transcript-title">
      <h3 id="transcript-title">Transcript</h3>
      {props.loadError && <p className="error">{props.loadError}</p>}
      {props.turns.length === 0 ? (
        <p className="muted" data-testid="transcript-empty">
          {props.empty}
        </p>
      ) : null}
      <ol
        ref={listRef}
        className="chat-log transcript"
        data-testid="transcript"
        aria-live="polite"
        aria-relevant="additions"
      >
        {props.turns.map((turn) => (
          <li
            key={turn.key}
            data-testid="transcript-turn"
            data-role={turn.role}
            data-speaker={turn.speaker}
            data-interrupted={turn.interrupted}
            data-live={turn.live}
            className={turn.role}
          >
            <strong>{speakerName(turn, props.avatarName)}:</strong> {turn.text}
            {turn.interrupted && <span className="muted"> (interrupted)</span>}
            {turn.live && (
              <span className="muted" aria-hidden="true">
                {' '}
                …
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
