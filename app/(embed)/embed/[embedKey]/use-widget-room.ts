'use client';
/**
 * One visitor's conversation in the widget: starts it (POST /api/embed/:key/session), joins
 * the LiveKit room, keeps the 10-minute token fresh, follows captions and what was said, and
 * ends it on close (and with a beacon when the page goes away).
 */
import { type RemoteTrack, Room, RoomEvent, Track } from 'livekit-client';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { type Caption, followCaptions } from '../../../_components/captions';
import { postToHost } from './host-channel';

export interface WidgetGrant {
  livekitUrl: string;
  token: string;
  sessionId: string;
  identity: string;
  name: string;
  mayTalk: boolean;
  allowSay: boolean;
  kind: 'session' | 'broadcast';
  expiresAt: string;
  endsBy: string | null;
}

export type WidgetPhase = 'idle' | 'starting' | 'waiting' | 'live' | 'ended' | 'refused';

/** Ask for a fresh token this long before the current one expires, ms. */
const REFRESH_BEFORE_MS = 2 * 60_000;

/** A sentence for a visitor, from a refused start. */
function refusal(
  status: number,
  body: { error?: { message?: string; code?: string } },
  retry: string | null,
) {
  if (status === 429 || body.error?.code === 'no_capacity') {
    const seconds = Number(retry ?? '60');
    return `So many people are talking with us right now. Please try again in ${
      seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
    }.`;
  }
  if (status === 403) return 'This assistant is not available on this site.';
  if (status === 404) return 'This assistant is not available right now.';
  return body.error?.message ?? 'The conversation could not start. Please try again later.';
}

export function useWidgetRoom(options: {
  embedKey: string;
  host: string | null;
  visitorToken?: string;
  videoRef: RefObject<HTMLVideoElement | null>;
  audioRef: RefObject<HTMLAudioElement | null>;
}) {
  const { embedKey, host, visitorToken, videoRef, audioRef } = options;
  const base = `/api/embed/${encodeURIComponent(embedKey)}/session`;
  const [phase, setPhase] = useState<WidgetPhase>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const [grant, setGrant] = useState<WidgetGrant | null>(null);
  const [room, setRoom] = useState<Room | null>(null);
  const [caption, setCaption] = useState<Caption | null>(null);
  const [needsSound, setNeedsSound] = useState(false);
  const tokenRef = useRef<string | null>(null);
  const speaking = useRef(false);

  const end = useCallback(
    (reason: string) => {
      const token = tokenRef.current;
      tokenRef.current = null;
      if (token) {
        void fetch(`${base}/end`, {
          method: 'POST',
          body: JSON.stringify({ token }),
          keepalive: true,
        });
      }
      setRoom((current) => {
        void current?.disconnect();
        return null;
      });
      setPhase((p) => {
        if (p !== 'idle' && p !== 'ended' && p !== 'refused') {
          postToHost(host, { type: 'facecast:ended', reason });
        }
        return p === 'refused' ? p : 'ended';
      });
    },
    [base, host],
  );

  const start = useCallback(async () => {
    if (phase === 'starting' || phase === 'waiting' || phase === 'live') return;
    setPhase('starting');
    setMessage(null);
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hostOrigin: host ?? undefined, visitorToken }),
    }).catch(() => null);
    if (!response || response.status !== 201) {
      const body = ((await response?.json().catch(() => ({}))) ?? {}) as {
        error?: { message?: string; code?: string };
      };
      setPhase('refused');
      setMessage(
        refusal(response?.status ?? 0, body, response?.headers.get('retry-after') ?? null),
      );
      return;
    }
    const next = (await response.json()) as WidgetGrant;
    tokenRef.current = next.token;
    setGrant(next);
    const lkRoom = new Room({ adaptiveStream: false, dynacast: false });
    const attach = (track: RemoteTrack, identity: string) => {
      if (identity !== 'avatar') return;
      if (track.kind === Track.Kind.Video && videoRef.current) {
        track.attach(videoRef.current);
        setPhase('live');
        postToHost(host, { type: 'facecast:ready', state: 'live' });
      }
      if (track.kind === Track.Kind.Audio && audioRef.current) {
        track.attach(audioRef.current);
        setNeedsSound(!lkRoom.canPlaybackAudio);
      }
    };
    lkRoom
      .on(RoomEvent.TrackSubscribed, (track, _pub, participant) =>
        attach(track, participant.identity),
      )
      .on(RoomEvent.TrackUnsubscribed, (track) => track.detach())
      .on(RoomEvent.AudioPlaybackStatusChanged, () => setNeedsSound(!lkRoom.canPlaybackAudio))
      .on(RoomEvent.Disconnected, () => {
        if (tokenRef.current) end('disconnected');
      });
    followCaptions(
      lkRoom,
      (c) => {
        setCaption(c);
        const now = !!c && !c.done;
        if (now !== speaking.current) {
          speaking.current = now;
          postToHost(host, { type: 'facecast:speaking', speaking: now });
        }
        if (c?.done && c.text.trim() !== '') {
          postToHost(host, { type: 'facecast:transcript', role: 'avatar', text: c.text });
        }
      },
      (identity, text) => {
        // Unnamed turns are the visitor's in a conversation of their own (nobody else talks).
        if (identity === next.identity || (identity === null && next.kind === 'session')) {
          postToHost(host, { type: 'facecast:transcript', role: 'user', text, name: next.name });
        }
      },
    );
    setRoom(lkRoom);
    try {
      await lkRoom.connect(next.livekitUrl, next.token, { autoSubscribe: true });
      setPhase((p) => (p === 'live' ? p : 'waiting'));
      setNeedsSound(!lkRoom.canPlaybackAudio);
    } catch (error) {
      setPhase('refused');
      setMessage(`Could not connect: ${(error as Error).message}`);
    }
  }, [phase, base, host, visitorToken, videoRef, audioRef, end]);

  // The short-lived token: a fresh one before it expires, while the widget is open.
  useEffect(() => {
    if (!grant || !room) return;
    const delay = Math.max(5_000, Date.parse(grant.expiresAt) - Date.now() - REFRESH_BEFORE_MS);
    const timer = setTimeout(() => {
      fetch(`${base}/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${grant.token}` },
      })
        .then(async (response) => {
          if (!response.ok) throw new Error(String(response.status));
          const next = (await response.json()) as WidgetGrant;
          tokenRef.current = next.token;
          setGrant(next);
        })
        .catch(() => end('expired'));
    }, delay);
    return () => clearTimeout(timer);
  }, [grant, room, base, end]);

  // Closing the tab or leaving the site ends the conversation too.
  useEffect(() => {
    const leave = () => {
      const token = tokenRef.current;
      if (!token) return;
      tokenRef.current = null;
      navigator.sendBeacon(`${base}/end`, JSON.stringify({ token }));
    };
    window.addEventListener('pagehide', leave);
    return () => window.removeEventListener('pagehide', leave);
  }, [base]);

  /** Sends a line as the visitor (typed, or `facecast:say` from the host page). */
  const say = useCallback(
    async (text: string): Promise<string | null> => {
      if (!grant || !tokenRef.current) return 'Start the conversation first.';
      const response = await fetch(`/api/rooms/${encodeURIComponent(grant.sessionId)}/chat`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokenRef.current}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ text, kind: 'chat' }),
      }).catch(() => null);
      if (response?.status === 201) {
        postToHost(host, { type: 'facecast:transcript', role: 'user', text, name: grant.name });
        return null;
      }
      const body = ((await response?.json().catch(() => ({}))) ?? {}) as {
        error?: { message?: string };
      };
      return body.error?.message ?? 'The message could not be sent.';
    },
    [grant, host],
  );

  return { phase, message, grant, room, caption, needsSound, setNeedsSound, start, end, say };
}
