'use client';
/**
 * One visitor's conversation in the widget: starts it (POST /api/embed/:key/session), joins
 * the LiveKit room, keeps the 10-minute token fresh, follows captions and what was said, and
 * ends it on close (and with a beacon when the page goes away). When the connection is lost
 * it shows "Reconnecting…" and, if livekit-client gives up (a LiveKit server restart), joins
 * the same conversation again with a fresh token by itself, as the viewer page does
 * (../../../_components/room/rejoin-policy.ts, decision 028).
 */
import { type RemoteTrack, Room, RoomEvent, Track } from 'livekit-client';
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { type Caption, followCaptions } from '../../../_components/captions';
import {
  avatarVideoShown,
  livekitAnswers,
  reconnectPolicy,
  rejoinDelayMs,
  shouldRejoin,
  tokenRefusalIsFinal,
} from '../../../_components/room/rejoin-policy';
import { postToHost } from './host-channel';
import { freshGrant, refusal, TokenRefused, type WidgetGrant } from './widget-grant';

export type WidgetPhase =
  'idle' | 'starting' | 'waiting' | 'live' | 'reconnecting' | 'ended' | 'refused';

/** Ask for a fresh token this long before the current one expires, ms. */
const REFRESH_BEFORE_MS = 2 * 60_000;

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
  /** The visitor's current token; null once the conversation ended. */
  const tokenRef = useRef<string | null>(null);
  /** The room in use: events of a room a rejoin left behind are ignored. */
  const roomRef = useRef<Room | null>(null);
  /** Rejoin attempts since the connection was lost; 0 while connected. */
  const rejoins = useRef(0);
  const rejoinTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** The page was told `facecast:reconnecting` and not yet `facecast:reconnected`. */
  const toldReconnecting = useRef(false);
  const stopCaptions = useRef<(() => void) | null>(null);
  const speaking = useRef(false);

  const end = useCallback(
    (reason: string) => {
      const token = tokenRef.current;
      tokenRef.current = null;
      roomRef.current = null;
      clearTimeout(rejoinTimer.current);
      rejoinTimer.current = undefined;
      toldReconnecting.current = false;
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

  /**
   * Joins the conversation's room with `next` in a new Room: on a start, and again after the
   * connection was lost (`rejoining`: a failed connect then tries again instead of giving up).
   */
  const join = useCallback(
    function join(next: WidgetGrant, rejoining: boolean): void {
      tokenRef.current = next.token;
      setGrant(next);
      const lkRoom = new Room({ adaptiveStream: false, dynacast: false, reconnectPolicy });
      roomRef.current = lkRoom;
      /** Still the room of an open conversation (not ended, not replaced by a rejoin). */
      const current = () => roomRef.current === lkRoom && tokenRef.current !== null;
      /** Set once connected: a connect that fails is handled where it is awaited. */
      let joined = false;

      const live = () => {
        setPhase('live');
        if (toldReconnecting.current) {
          toldReconnecting.current = false;
          postToHost(host, { type: 'facecast:reconnected' });
        }
      };
      const reconnecting = () => {
        setPhase('reconnecting');
        setCaption(null);
        if (speaking.current) {
          speaking.current = false;
          postToHost(host, { type: 'facecast:speaking', speaking: false });
        }
        if (!toldReconnecting.current) {
          toldReconnecting.current = true;
          postToHost(host, { type: 'facecast:reconnecting' });
        }
      };
      /**
       * After this attempt's backoff, once the LiveKit server answers: a fresh token for the
       * same visitor, then a new Room.
       */
      const scheduleRejoin = () => {
        if (!current() || rejoinTimer.current) return;
        reconnecting();
        const delayMs = rejoinDelayMs(rejoins.current);
        rejoins.current += 1;
        rejoinTimer.current = setTimeout(() => {
          rejoinTimer.current = undefined;
          const token = tokenRef.current;
          if (!current() || !token) return;
          livekitAnswers(next.livekitUrl)
            .then((answers) => (answers ? freshGrant(base, token) : null))
            .then(
              (fresh) => {
                if (!current()) return;
                if (fresh) join(fresh, true);
                else scheduleRejoin();
              },
              (error: unknown) => {
                if (!current()) return;
                // The app saying no (the conversation is over, the visitor may not come back)
                // ends it; an app or server that does not answer is worth another try.
                const status = error instanceof TokenRefused ? error.status : undefined;
                if (tokenRefusalIsFinal(status)) end('disconnected');
                else scheduleRejoin();
              },
            );
        }, delayMs);
      };

      const attach = (track: RemoteTrack, identity: string) => {
        if (identity !== 'avatar') return;
        if (track.kind === Track.Kind.Video && videoRef.current) {
          track.attach(videoRef.current);
          if (toldReconnecting.current) {
            live();
          } else {
            setPhase('live');
            postToHost(host, { type: 'facecast:ready', state: 'live' });
          }
        }
        if (track.kind === Track.Kind.Audio && audioRef.current) {
          track.attach(audioRef.current);
          setNeedsSound(!lkRoom.canPlaybackAudio);
        }
      };
      lkRoom
        .on(RoomEvent.TrackSubscribed, (track, _pub, participant) => {
          if (current()) attach(track, participant.identity);
        })
        .on(RoomEvent.TrackUnsubscribed, (track) => track.detach())
        .on(RoomEvent.AudioPlaybackStatusChanged, () => setNeedsSound(!lkRoom.canPlaybackAudio))
        // livekit-client's own resume or reconnect (a short outage): same Room, same token.
        // A resume (the signal connection lost: a killed server) comes first, without
        // Reconnecting until the media connection fails too, seconds later.
        .on(RoomEvent.SignalReconnecting, () => {
          if (current()) reconnecting();
        })
        .on(RoomEvent.Reconnecting, () => {
          if (current()) reconnecting();
        })
        .on(RoomEvent.Reconnected, () => {
          if (current() && avatarVideoShown(lkRoom)) live();
        })
        .on(RoomEvent.Disconnected, (reason) => {
          if (!current() || !joined) return;
          if (shouldRejoin(reason)) scheduleRejoin();
          else end('disconnected');
        });
      stopCaptions.current?.();
      stopCaptions.current = followCaptions(
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
      lkRoom.connect(next.livekitUrl, next.token, { autoSubscribe: true }).then(
        () => {
          if (!current()) return;
          joined = true;
          rejoins.current = 0;
          // After a rejoin it stays "Reconnecting…" until the avatar's video is back.
          setPhase((p) => (p === 'live' || p === 'reconnecting' ? p : 'waiting'));
          setNeedsSound(!lkRoom.canPlaybackAudio);
        },
        (error: unknown) => {
          if (!current()) return;
          if (rejoining) {
            scheduleRejoin();
            return;
          }
          setPhase('refused');
          setMessage(`Could not connect: ${(error as Error).message}`);
        },
      );
    },
    [base, host, videoRef, audioRef, end],
  );

  const start = useCallback(async () => {
    if (phase !== 'idle' && phase !== 'ended' && phase !== 'refused') return;
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
    rejoins.current = 0;
    toldReconnecting.current = false;
    join((await response.json()) as WidgetGrant, false);
  }, [phase, base, host, visitorToken, join]);

  // The short-lived token: a fresh one before it expires, while the widget is open.
  useEffect(() => {
    if (!grant || !room) return;
    const delay = Math.max(5_000, Date.parse(grant.expiresAt) - Date.now() - REFRESH_BEFORE_MS);
    const timer = setTimeout(() => {
      freshGrant(base, grant.token)
        .then((next) => {
          if (!tokenRef.current) return;
          tokenRef.current = next.token;
          setGrant(next);
        })
        .catch(() => end('expired'));
    }, delay);
    return () => clearTimeout(timer);
  }, [grant, room, base, end]);

  // A rejoin waiting for its backoff does not outlive the widget.
  useEffect(() => () => clearTimeout(rejoinTimer.current), []);

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
