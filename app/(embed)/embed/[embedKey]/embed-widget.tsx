'use client';
/**
 * The widget's panel inside the frame: the avatar's video with captions, a start-audio button
 * when the browser blocks sound, a chat box, the mic (when the owner allows it) and close.
 * It talks to the host page only through host-channel.ts.
 */
import { type CSSProperties, type FormEvent, useEffect, useRef, useState } from 'react';
import { CaptionOverlay } from '../../../_components/captions';
import { MicControl } from '../../../_components/mic-control';
import { useMicrophone } from '../../../_components/use-microphone';
import { hostOrigin, onHostCommand, postToHost } from './host-channel';
import { useWidgetRoom, type WidgetPhase } from './use-widget-room';

const STATUS: Record<WidgetPhase, string> = {
  idle: '',
  starting: 'Starting…',
  waiting: 'The avatar is on its way…',
  live: '',
  reconnecting: 'Reconnecting…',
  ended: 'The conversation has ended.',
  refused: '',
};

export function EmbedWidget(props: {
  embedKey: string;
  avatarName: string;
  theme: { mode: 'light' | 'dark'; accent: string };
  microphone: boolean;
  allowSay: boolean;
  autostart: boolean;
  hostParam?: string;
  visitorToken?: string;
}) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const [host, setHost] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [text, setText] = useState('');
  const [chatError, setChatError] = useState<string | null>(null);
  const widget = useWidgetRoom({
    embedKey: props.embedKey,
    host,
    visitorToken: props.visitorToken,
    videoRef,
    audioRef,
  });
  const mayTalk = props.microphone && (widget.grant?.mayTalk ?? false);
  const mic = useMicrophone(widget.room, mayTalk);
  const connected = widget.phase === 'live' || widget.phase === 'waiting';

  // Where the frame is: known once mounted (it reads the window).
  useEffect(() => {
    setHost(hostOrigin(props.hostParam));
    setReady(true);
  }, [props.hostParam]);

  useEffect(() => {
    if (!ready) return;
    postToHost(host, { type: 'facecast:ready', state: 'idle' });
  }, [ready, host]);

  const { start, end, say, phase } = widget;
  useEffect(() => {
    if (ready && props.autostart && phase === 'idle') void start();
  }, [ready, props.autostart, phase, start]);

  useEffect(
    () =>
      onHostCommand(host, (command) => {
        if (command.type === 'facecast:open') void start();
        else if (command.type === 'facecast:close') end('closed');
        else if (props.allowSay) void say(command.text);
      }),
    [host, start, end, say, props.allowSay],
  );

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const line = text.trim();
    if (!line) return;
    setText('');
    setChatError(await say(line));
  };

  const close = () => {
    end('closed');
    postToHost(host, { type: 'facecast:close-request' });
  };

  const style = { '--accent': props.theme.accent } as CSSProperties;
  return (
    <div
      className={`widget ${props.theme.mode}`}
      style={style}
      data-testid="widget"
      data-phase={widget.phase}
    >
      <div className="widget-head">
        <strong className="grow">{props.avatarName}</strong>
        <button
          type="button"
          className="widget-close"
          aria-label="Close"
          data-testid="widget-close"
          onClick={close}
        >
          ×
        </button>
      </div>
      <div className="widget-stage">
        <video ref={videoRef} data-testid="avatar-video" autoPlay playsInline muted />
        <audio ref={audioRef} data-testid="avatar-audio" autoPlay />
        {widget.phase === 'live' && <CaptionOverlay caption={widget.caption} />}
        {(widget.phase === 'idle' || widget.phase === 'ended') && (
          <button
            type="button"
            className="widget-start"
            data-testid="widget-start"
            // Until the page's script runs, a click would be lost (the server-rendered button
            // has no handler yet): the button waits, disabled, instead of seeming broken.
            disabled={!ready}
            onClick={() => void start()}
          >
            {widget.phase === 'ended' ? 'Start again' : 'Start conversation'}
          </button>
        )}
        {STATUS[widget.phase] && widget.phase !== 'ended' && (
          <div
            className="widget-overlay"
            data-testid={widget.phase === 'reconnecting' ? 'widget-reconnecting' : undefined}
          >
            {STATUS[widget.phase]}
          </div>
        )}
        {widget.phase === 'refused' && (
          <div className="widget-overlay" role="alert" data-testid="widget-message">
            {widget.message}
          </div>
        )}
        {widget.needsSound && widget.phase === 'live' && (
          <button
            type="button"
            className="sound"
            data-testid="enable-sound"
            onClick={() => void widget.room?.startAudio().then(() => widget.setNeedsSound(false))}
          >
            🔊 Start audio
          </button>
        )}
      </div>
      <form className="widget-chat" onSubmit={(e) => void send(e)}>
        <input
          data-testid="chat-input"
          aria-label="Your message"
          placeholder={
            connected
              ? 'Type a message…'
              : widget.phase === 'reconnecting'
                ? STATUS.reconnecting
                : 'Start the conversation to chat'
          }
          value={text}
          maxLength={500}
          disabled={!connected}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="chat-send" disabled={!connected || !text.trim()}>
          Send
        </button>
      </form>
      {chatError && <p className="error">{chatError}</p>}
      {props.microphone && <MicControl mic={mic} allowed={mayTalk} connected={connected} />}
      {/* Always there, so that screen readers announce its changes ("Reconnecting…"). */}
      <p
        className="widget-foot muted"
        role="status"
        aria-live="polite"
        data-testid="connection-state"
        data-phase={widget.phase}
      >
        {widget.phase === 'live' ? 'Live' : STATUS[widget.phase] || ' '}
      </p>
    </div>
  );
}
