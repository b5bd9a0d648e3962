'use client';
import {
  DisconnectReason,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
} from 'livekit-client';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { api, ApiCallError, jsonInit } from './api';
import { type Caption, CaptionOverlay, followCaptions, useCaptionsEnabled } from './captions';
import { MicControl } from './mic-control';
import { EndWarning } from './room/end-warning';
import { JoinNameForm } from './room/join-name-form';
import {
  avatarVideoShown,
  livekitAnswers,
  reconnectPolicy,
  rejoinDelayMs,
  shouldRejoin,
  tokenRefusalIsFinal,
} from './room/rejoin-policy';
import { roomAuth, type RoomGrant } from './room/room-grant';
import { RoomPanel } from './room/room-panel';
import { useRoomFeed } from './room/use-room-feed';
import { useMicrophone } from './use-microphone';
import { isAvatarParticipant } from '@/protocol/room-control';

type Phase =
  | 'naming'
  | 'connecting'
  | 'waiting'
  | 'live'
  | 'reconnecting'
  | 'ended'
  | 'full'
  | 'removed'
  | 'error';

/** Ask for a fresh token this long before the current one expires, ms. */
const REFRESH_BEFORE_MS = 3 * 60_000;

const OVERLAY: Record<Phase, string | null> = {
  naming: 'Choose your name to join.',
  connecting: 'Connecting…',
  waiting: 'Waiting for the avatar to join…',
  live: null,
  reconnecting: 'Reconnecting…',
  ended: 'The session has ended.',
  full: 'This room is full.',
  removed: 'You were removed from this room.',
  error: 'Could not connect.',
};

/**
 * Joins a session's room through a link (asking guests for a display name first), shows the
 * avatar's video with captions (a toggle, on by default), plays its audio (with a visible
 * button when the browser blocks autoplay), offers the mic when the token lets this viewer
 * talk, keeps the short-lived token fresh, and shows the shared room: people, chat and
 * questions (beside the video, or under it when a `panel` takes the side). When the
 * connection is lost it shows "Reconnecting…" and, if livekit-client gives up (a LiveKit
 * server restart), joins again with a fresh token by itself (room/rejoin-policy.ts).
 */
export function LiveViewer(props: { tokenUrl: string; panel?: ReactNode; askName?: boolean }) {
  const { tokenUrl } = props;
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const [joinName, setJoinName] = useState<string | null>(props.askName ? null : '');
  const [attempt, setAttempt] = useState(0);
  /** Rejoin attempts since the connection was lost; 0 while connected or on a first join. */
  const rejoins = useRef(0);
  /** The LiveKit server of the last grant: a rejoin asks for a token once it answers again. */
  const livekitUrl = useRef<string | null>(null);
  const [phase, setPhase] = useState<Phase>(props.askName ? 'naming' : 'connecting');
  const [message, setMessage] = useState<string | null>(null);
  const [needsSound, setNeedsSound] = useState(false);
  const [caption, setCaption] = useState<Caption | null>(null);
  const [captionsOn, setCaptionsOn] = useCaptionsEnabled();
  const [room, setRoom] = useState<Room | null>(null);
  const [grant, setGrant] = useState<RoomGrant | null>(null);
  const [mayTalk, setMayTalk] = useState(false);
  const mic = useMicrophone(room, mayTalk);
  const connected = phase === 'live' || phase === 'waiting';
  const feed = useRoomFeed(room, grant, connected);

  useEffect(() => {
    if (joinName === null) return;
    const room = new Room({ adaptiveStream: false, dynacast: false, reconnectPolicy });
    setRoom(room);
    const rejoining = rejoins.current > 0;
    setPhase(rejoining ? 'reconnecting' : 'connecting');
    let disposed = false;
    /** Set once connected: a connect that fails is handled where it is awaited. */
    let joined = false;
    let rejoinTimer: ReturnType<typeof setTimeout> | undefined;
    /** Joins again (a fresh token, a new Room) after the backoff for this attempt. */
    const scheduleRejoin = () => {
      if (disposed || rejoinTimer) return;
      setPhase('reconnecting');
      const delayMs = rejoinDelayMs(rejoins.current);
      rejoins.current += 1;
      rejoinTimer = setTimeout(() => setAttempt((n) => n + 1), delayMs);
    };

    const attach = (track: RemoteTrack, participant: RemoteParticipant) => {
      if (!isAvatarParticipant(participant)) return;
      if (track.kind === Track.Kind.Video && videoRef.current) {
        track.attach(videoRef.current);
        setPhase('live');
      }
      if (track.kind === Track.Kind.Audio && audioRef.current) {
        track.attach(audioRef.current);
        setNeedsSound(!room.canPlaybackAudio);
      }
    };
    room
      .on(RoomEvent.TrackSubscribed, (track, _pub, participant) => attach(track, participant))
      .on(RoomEvent.TrackUnsubscribed, (track) => track.detach())
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        if (isAvatarParticipant(participant)) setPhase((p) => (p === 'live' ? 'waiting' : p));
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => setNeedsSound(!room.canPlaybackAudio))
      .on(RoomEvent.ParticipantPermissionsChanged, (_previous, participant) => {
        if (participant === room.localParticipant) {
          setMayTalk(room.localParticipant.permissions?.canPublish ?? false);
        }
      })
      // A resume (the signal connection lost) comes first, Reconnecting only when the media
      // connection fails too, seconds later.
      .on(RoomEvent.SignalReconnecting, () => setPhase('reconnecting'))
      .on(RoomEvent.Reconnecting, () => setPhase('reconnecting'))
      .on(RoomEvent.Reconnected, () => setPhase(avatarVideoShown(room) ? 'live' : 'waiting'))
      .on(RoomEvent.Disconnected, (reason) => {
        if (disposed || !joined) return;
        if (reason !== DisconnectReason.PARTICIPANT_REMOVED && shouldRejoin(reason)) {
          scheduleRejoin();
          return;
        }
        setPhase((p) =>
          p === 'removed' || reason === DisconnectReason.PARTICIPANT_REMOVED ? 'removed' : 'ended',
        );
      });
    const stopCaptions = followCaptions(room, setCaption);

    (async () => {
      try {
        if (rejoining && livekitUrl.current && !(await livekitAnswers(livekitUrl.current))) {
          if (!disposed) scheduleRejoin();
          return;
        }
        const next = await api<RoomGrant>(
          tokenUrl,
          jsonInit('POST', { name: joinName || undefined }),
        );
        if (disposed) return;
        livekitUrl.current = next.livekitUrl;
        setGrant(next);
        setMayTalk(next.mayTalk);
        await room.connect(next.livekitUrl, next.token, { autoSubscribe: true });
        if (disposed) return;
        joined = true;
        rejoins.current = 0;
        setMessage(null);
        setPhase((p) => (p === 'live' ? p : 'waiting'));
        setNeedsSound(!room.canPlaybackAudio);
      } catch (error) {
        if (disposed) return;
        const refused = error instanceof ApiCallError;
        const full = refused && error.code === 'room_full';
        // While rejoining, an unreachable server or app is worth another try; the app saying
        // no (the session is over, the viewer may not join) is not.
        if (rejoining && !full && !(refused && tokenRefusalIsFinal(error.status))) {
          scheduleRejoin();
          return;
        }
        setPhase(full ? 'full' : rejoining ? 'ended' : 'error');
        setMessage((error as Error).message);
      }
    })().catch(() => undefined);

    return () => {
      disposed = true;
      clearTimeout(rejoinTimer);
      stopCaptions();
      void room.disconnect();
    };
  }, [tokenUrl, joinName, attempt]);

  // Short-lived tokens: a fresh one before this one expires; refused once removed.
  useEffect(() => {
    if (!grant || !connected) return;
    const delay = Math.max(5_000, Date.parse(grant.expiresAt) - Date.now() - REFRESH_BEFORE_MS);
    const timer = setTimeout(() => {
      api<RoomGrant>(`/api/rooms/${encodeURIComponent(grant.sessionId)}/token`, {
        method: 'POST',
        headers: roomAuth(grant),
      })
        .then(setGrant)
        .catch((error: unknown) => {
          setMessage((error as Error).message);
          if (error instanceof ApiCallError && error.status === 403) {
            setPhase('removed');
            void room?.disconnect();
          }
        });
    }, delay);
    return () => clearTimeout(timer);
  }, [grant, connected, room]);

  useEffect(() => {
    if (feed.removedReason) setMessage(feed.removedReason);
  }, [feed.removedReason]);

  // Removed before the room's message with the reason arrived (LiveKit may close the connection
  // first): the token route refuses a removed person with the reason (403).
  useEffect(() => {
    if (phase !== 'removed' || !grant || message || feed.removedReason) return;
    api<RoomGrant>(`/api/rooms/${encodeURIComponent(grant.sessionId)}/token`, {
      method: 'POST',
      headers: roomAuth(grant),
    }).catch((error: unknown) => {
      if (error instanceof ApiCallError && error.status === 403) setMessage(error.message);
    });
  }, [phase, grant, message, feed.removedReason]);

  if (phase === 'naming') return <JoinNameForm onJoin={setJoinName} />;
  if (phase === 'full') {
    return (
      <div className="empty" data-testid="room-full">
        <h2>This room is full</h2>
        <p>{message}</p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Try again
        </button>
      </div>
    );
  }
  if (phase === 'removed') {
    return (
      <div className="empty" data-testid="room-removed">
        <h2>You left the room</h2>
        <p>{message ?? feed.removedReason ?? OVERLAY.removed}</p>
      </div>
    );
  }

  const roomPanel = grant ? (
    <RoomPanel
      grant={grant}
      feed={feed}
      chatReachesAvatar={grant.role !== 'guest' || grant.mayTalk || !grant.endsAt}
      disabled={!connected}
    />
  ) : null;

  return (
    <div className="live-layout">
      <div>
        <EndWarning endsAt={grant?.endsAt} />
        <div className="stage">
          <video ref={videoRef} data-testid="avatar-video" autoPlay playsInline muted />
          <audio ref={audioRef} data-testid="avatar-audio" autoPlay />
          {OVERLAY[phase] && <div className="overlay">{OVERLAY[phase]}</div>}
          {captionsOn && phase === 'live' && <CaptionOverlay caption={caption} />}
          {needsSound && phase === 'live' && (
            <button
              type="button"
              className="sound"
              data-testid="enable-sound"
              onClick={() => void room?.startAudio().then(() => setNeedsSound(false))}
            >
              🔊 Click to enable sound
            </button>
          )}
        </div>
        <div className="row stage-bar">
          <p className="muted grow" data-testid="connection-state" data-phase={phase}>
            {phase === 'live' ? 'Live' : OVERLAY[phase]}
          </p>
          <label className="row check">
            <input
              type="checkbox"
              checked={captionsOn}
              data-testid="captions-toggle"
              onChange={(e) => setCaptionsOn(e.target.checked)}
            />
            Captions
          </label>
        </div>
        <MicControl mic={mic} allowed={mayTalk} connected={connected} />
        {message && phase !== 'ended' && <div className="error">{message}</div>}
        {props.panel && roomPanel}
      </div>
      {props.panel ?? roomPanel}
    </div>
  );
}
