'use client';
/**
 * A session's conversation as the session page shows it: the state (idle, listening,
 * thinking, speaking) and the transcript, loaded once from GET /api/v1/sessions/:id/transcript
 * and kept current from the Server-Sent Events of GET /api/v1/sessions/:id/events (the browser's
 * EventSource reconnects by itself and resumes after the last event id). An avatar turn shows
 * as soon as it is heard and is replaced by what was actually said when it ends.
 */
import { useEffect, useState } from 'react';
import type { TranscriptTurnView } from '@/lib/sessions/session-transcript';
import type { SessionState } from '@/protocol/session-events';

export interface Turn {
  /** Stable while the turn grows: the role and when it started. */
  key: string;
  role: 'user' | 'avatar';
  speaker?: string;
  text: string;
  startedAtMs: number;
  /** An avatar turn still being said. */
  live: boolean;
  interrupted: boolean;
}

export interface Conversation {
  state: SessionState;
  turns: Turn[];
  /** Whether the events stream is connected. */
  connected: boolean;
  /** The latest error the session reported (e.g. the model failed). */
  error: string | null;
  /** Loading the stored transcript failed. */
  loadError: string | null;
}

const turnKey = (role: string, startedAtMs: number) => `${role}:${startedAtMs}`;

function storedTurn(turn: TranscriptTurnView): Turn {
  const startedAtMs = Date.parse(turn.startedAt);
  return {
    key: turnKey(turn.role, startedAtMs),
    role: turn.role,
    ...(turn.speaker ? { speaker: turn.speaker } : {}),
    text: turn.text,
    startedAtMs,
    live: false,
    interrupted: turn.interrupted,
  };
}

/** Adds or replaces a turn (same key), keeping the list in the order turns started. */
function upsert(turns: Turn[], turn: Turn): Turn[] {
  const rest = turns.filter((t) => t.key !== turn.key);
  return [...rest, turn].sort((a, b) => a.startedAtMs - b.startedAtMs);
}

interface EventData {
  state?: SessionState;
  text?: string;
  speaker?: string;
  startedAt?: number;
  interrupted?: boolean;
  message?: string;
}

function parse(event: MessageEvent): EventData | null {
  try {
    return JSON.parse(String(event.data)) as EventData;
  } catch {
    return null;
  }
}

export function useConversation(options: {
  sessionId: string;
  initialState: SessionState;
  /** Follow the events (the session is running); otherwise only the stored transcript. */
  live: boolean;
}): Conversation {
  const { sessionId, live } = options;
  const [state, setState] = useState<SessionState>(options.initialState);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    const base = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
    fetch(`${base}/transcript`)
      .then(async (response) => {
        const body = (await response.json()) as {
          turns?: TranscriptTurnView[];
          error?: { message?: string };
        };
        if (!response.ok) throw new Error(body.error?.message ?? 'The transcript did not load.');
        if (disposed) return;
        // Turns the events delivered meanwhile stay (they are newer or the same).
        setTurns((current) => (body.turns ?? []).map(storedTurn).reduce(upsert, current));
      })
      .catch((e: Error) => !disposed && setLoadError(e.message));
    if (!live) return () => void (disposed = true);

    const source = new EventSource(`${base}/events`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('state', (event) => {
      const data = parse(event);
      if (data?.state) setState(data.state);
    });
    const avatarTurn = (event: MessageEvent, ended: boolean) => {
      const data = parse(event);
      if (!data?.startedAt) return;
      const startedAtMs = data.startedAt;
      setTurns((current) =>
        upsert(current, {
          key: turnKey('avatar', startedAtMs),
          role: 'avatar',
          text: data.text ?? '',
          startedAtMs,
          live: !ended,
          interrupted: ended && data.interrupted === true,
        }),
      );
    };
    source.addEventListener('speech.started', (event) => avatarTurn(event, false));
    source.addEventListener('speech.ended', (event) => avatarTurn(event, true));
    source.addEventListener('user.transcript', (event) => {
      const data = parse(event);
      if (!data?.startedAt) return;
      const startedAtMs = data.startedAt;
      setTurns((current) =>
        upsert(current, {
          key: turnKey('user', startedAtMs),
          role: 'user',
          ...(data.speaker ? { speaker: data.speaker } : {}),
          text: data.text ?? '',
          startedAtMs,
          live: false,
          interrupted: false,
        }),
      );
    });
    source.addEventListener('error', (event) => {
      // The EventSource's own connection errors are plain Events without data.
      if (!(event instanceof MessageEvent)) return;
      const data = parse(event);
      if (data?.message) setError(data.message);
    });
    return () => {
      disposed = true;
      source.close();
    };
  }, [sessionId, live]);

  return { state, turns, connected, error, loadError };
}
