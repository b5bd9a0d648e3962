'use client';
import { type RemoteParticipant, type RemoteTrack, Room, RoomEvent, Track } from 'livekit-client';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api } from './api';
import { type Caption, CaptionOverlay, followCaptions, useCaptionsEnabled } from './captions';
import { MicControl } from './mic-control';
import { useMicrophone } from './use-microphone';

interface Grant {
  livekitUrl: string;
  token: string;
  identity: string;
  /** The token may publish a microphone (the owner; guests when the owner allows it). */
  mayTalk?: boolean;
}

interface ChatLine {
  id: string;
  from: string;
  text: string;
}

type Phase = 'connecting' | 'waiting' | 'live' | 'ended' | 'error';

const CHAT_TOPIC = 'lk.chat';
const MAX_CHARS = 1000;

/**
 * Joins the session's LiveKit room as a viewer, shows the avatar's video with captions of what
 * it says (a toggle, on by default), plays its audio (with a visible button when the browser
 * blocks autoplay), offers the mic when the token lets this viewer talk (also when the owner
 * allows it later: LiveKit then changes the permissions of the connected viewer) and, unless
 * a `panel` replaces it, sends typed text to the avatar over a LiveKit text stream.
 */
export function LiveViewer({ tokenUrl, panel }: { tokenUrl: string; panel?: ReactNode }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const roomRef = useRef<Room | null>(null);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [message, setMessage] = useState<string | null>(null);
  const [needsSound, setNeedsSound] = useState(false);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [caption, setCaption] = useState<Caption | null>(null);
  const [captionsOn, setCaptionsOn] = useCaptionsEnabled();
  const [room, setRoom] = useState<Room | null>(null);
  const [mayTalk, setMayTalk] = useState(false);
  const mic = useMicrophone(room, mayTalk);

  useEffect(() => {
    const room = new Room({ adaptiveStream: false, dynacast: false });
    roomRef.current = room;
    setRoom(room);
    let disposed = false;

    const attach = (track: RemoteTrack, participant: RemoteParticipant) => {
      if (participant.identity !== 'avatar') return;
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
        if (participant.identity === 'avatar') setPhase('waiting');
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => setNeedsSound(!room.canPlaybackAudio))
      .on(RoomEvent.ParticipantPermissionsChanged, (_previous, participant) => {
        if (participant === room.localParticipant) {
          setMayTalk(room.localParticipant.permissions?.canPublish ?? false);
        }
      })
      .on(RoomEvent.Disconnected, () => {
        if (!disposed) {
          setPhase('ended');
          setMessage('The session has ended.');
        }
      });
    const stopCaptions = followCaptions(room, setCaption);
    room.registerTextStreamHandler(CHAT_TOPIC, (reader, participantInfo) => {
      void reader.readAll().then((body) => {
        setChat((lines) => [
          ...lines.slice(-49),
          { id: reader.info.id, from: participantInfo.identity, text: body },
        ]);
      });
    });

    (async () => {
      try {
        const grant = await api<Grant>(tokenUrl, { method: 'POST' });
        if (disposed) return;
        setMayTalk(grant.mayTalk ?? false);
        await room.connect(grant.livekitUrl, grant.token, { autoSubscribe: true });
        if (disposed) return;
        setPhase((p) => (p === 'live' ? p : 'waiting'));
        setNeedsSound(!room.canPlaybackAudio);
      } catch (error) {
        if (disposed) return;
        setPhase('error');
        setMessage((error as Error).message);
      }
    })().catch(() => undefined);

    return () => {
      disposed = true;
      stopCaptions();
      void room.disconnect();
    };
  }, [tokenUrl]);

  async function onSend(event: FormEvent) {
    event.preventDefault();
    const room = roomRef.current;
    const trimmed = text.trim();
    if (!room || trimmed === '') return;
    setSending(true);
    try {
      const info = await room.localParticipant.sendText(trimmed, { topic: CHAT_TOPIC });
      setChat((lines) => [...lines.slice(-49), { id: info.id, from: 'you', text: trimmed }]);
      setText('');
    } catch (error) {
      setMessage(`Could not send: ${(error as Error).message}`);
    } finally {
      setSending(false);
    }
  }

  const overlay: Record<Phase, string | null> = {
    connecting: 'Connecting…',
    waiting: 'Waiting for the avatar to join…',
    live: null,
    ended: 'The session has ended.',
    error: 'Could not connect.',
  };

  return (
    <div className="live-layout">
      <div>
        <div className="stage">
          <video ref={videoRef} data-testid="avatar-video" autoPlay playsInline muted />
          <audio ref={audioRef} data-testid="avatar-audio" autoPlay />
          {overlay[phase] && <div className="overlay">{overlay[phase]}</div>}
          {captionsOn && phase === 'live' && <CaptionOverlay caption={caption} />}
          {needsSound && phase === 'live' && (
            <button
              type="button"
              className="sound"
              data-testid="enable-sound"
              onClick={() => void roomRef.current?.startAudio().then(() => setNeedsSound(false))}
            >
              🔊 Click to enable sound
            </button>
          )}
        </div>
        <div className="row stage-bar">
          <p className="muted grow" data-testid="connection-state" data-phase={phase}>
            {phase === 'live' ? 'Live' : overlay[phase]}
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
        <MicControl
          mic={mic}
          allowed={mayTalk}
          connected={phase === 'live' || phase === 'waiting'}
        />
        {message && phase !== 'ended' && <div className="error">{message}</div>}
      </div>
      {panel ?? (
        <div className="card">
          <h2 style={{ marginTop: 0 }}>Talk to the avatar</h2>
          <p className="muted">
            Type a message and press Enter: the avatar answers it, or says it aloud, as its owner
            set it up.
          </p>
          <div className="chat-log" aria-live="polite">
            {chat.length === 0 ? (
              <p className="muted">No messages yet.</p>
            ) : (
              chat.map((line) => (
                <p key={line.id}>
                  <strong>{line.from}:</strong> {line.text}
                </p>
              ))
            )}
          </div>
          <form onSubmit={(e) => void onSend(e)} className="row">
            <input
              className="grow"
              type="text"
              aria-label="Message"
              data-testid="chat-input"
              value={text}
              maxLength={MAX_CHARS}
              onChange={(e) => setText(e.target.value)}
              placeholder="Hello! Tell me about yourself."
              disabled={phase !== 'live' && phase !== 'waiting'}
            />
            <button
              type="submit"
              data-testid="chat-send"
              disabled={sending || text.trim() === '' || phase === 'ended'}
            >
              Say it
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
