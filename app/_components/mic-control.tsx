'use client';
/**
 * The mic button under the avatar: push-to-talk (hold the button, or hold Space while the
 * focus is not in a text field or on another control) or hands-free (one press leaves the mic
 * on; the avatar hears every utterance and stops when interrupted by real speech). Shows
 * whether the mic is on (aria-pressed, a level meter) and why it cannot be, in words.
 */
import {
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import type { Microphone } from './use-microphone';

export type MicMode = 'push' | 'hands-free';

const MODE_KEY = 'facecast.micMode';

/** Whether a key press belongs to a control where Space has its own meaning. */
function ownsSpace(target: EventTarget | null, button: HTMLElement | null): boolean {
  if (!(target instanceof HTMLElement) || target === button) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A', 'SUMMARY'].includes(target.tagName);
}

function useMicMode(): [MicMode, (mode: MicMode) => void] {
  const [mode, setMode] = useState<MicMode>('push');
  useEffect(() => {
    if (window.localStorage.getItem(MODE_KEY) === 'hands-free') setMode('hands-free');
  }, []);
  return [
    mode,
    (next) => {
      setMode(next);
      window.localStorage.setItem(MODE_KEY, next);
    },
  ];
}

export function MicControl(props: {
  mic: Microphone;
  /** The token may publish a microphone. */
  allowed: boolean;
  /** Connected to the room. */
  connected: boolean;
}) {
  const { mic, allowed, connected } = props;
  const [mode, setMode] = useMicMode();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const holding = useRef(false);
  const usable = allowed && connected;

  const { set } = mic;
  const hold = useCallback(
    (down: boolean) => {
      if (holding.current === down) return;
      holding.current = down;
      void set(down);
    },
    [set],
  );

  // Push-to-talk on Space anywhere on the page but in fields and other controls.
  useEffect(() => {
    if (mode !== 'push' || !usable) return;
    const onDown = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || ownsSpace(event.target, buttonRef.current)) return;
      event.preventDefault();
      if (!event.repeat) hold(true);
    };
    const onUp = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || !holding.current) return;
      event.preventDefault();
      hold(false);
    };
    const release = () => hold(false);
    document.addEventListener('keydown', onDown);
    document.addEventListener('keyup', onUp);
    window.addEventListener('blur', release);
    return () => {
      document.removeEventListener('keydown', onDown);
      document.removeEventListener('keyup', onUp);
      window.removeEventListener('blur', release);
    };
  }, [mode, usable, hold]);

  const changeMode = (next: MicMode) => {
    holding.current = false;
    if (mic.on) void mic.set(false);
    setMode(next);
  };

  if (!allowed) {
    return (
      <div className="mic-control" data-testid="mic-control" data-allowed="false">
        <button
          type="button"
          className="secondary mic"
          data-testid="mic-button"
          disabled
          aria-pressed={false}
          aria-describedby="mic-not-allowed"
        >
          <MicIcon /> Talk
        </button>
        <span id="mic-not-allowed" className="muted" data-testid="mic-not-allowed">
          The host has not allowed guests to talk.
        </span>
      </div>
    );
  }

  const label =
    mode === 'push'
      ? mic.on
        ? 'Talking… release to finish'
        : 'Hold to talk'
      : mic.on
        ? 'Mic on: press to mute'
        : 'Turn the mic on';
  const pushHandlers =
    mode === 'push'
      ? {
          onPointerDown: (event: ReactPointerEvent<HTMLButtonElement>) => {
            if (event.button !== 0) return;
            event.currentTarget.setPointerCapture(event.pointerId);
            hold(true);
          },
          onPointerUp: () => hold(false),
          onPointerCancel: () => hold(false),
          onContextMenu: (event: ReactMouseEvent) => event.preventDefault(),
          // Enter on the focused button works like Space.
          onKeyDown: (event: ReactKeyboardEvent) => {
            if (event.key === 'Enter' && !event.repeat) hold(true);
          },
          onKeyUp: (event: ReactKeyboardEvent) => {
            if (event.key === 'Enter') hold(false);
          },
        }
      : { onClick: () => void mic.set(!mic.on) };

  return (
    <div
      className="mic-control"
      data-testid="mic-control"
      data-allowed="true"
      data-mode={mode}
      data-on={mic.on}
    >
      <button
        ref={buttonRef}
        type="button"
        className={mic.on ? 'mic on' : 'mic'}
        data-testid="mic-button"
        aria-pressed={mic.on}
        aria-keyshortcuts={mode === 'push' ? 'Space' : undefined}
        disabled={!connected}
        {...pushHandlers}
      >
        <MicIcon /> {label}
      </button>
      <span className="row check mic-modes" role="radiogroup" aria-label="Microphone mode">
        <label className="row check">
          <input
            type="radio"
            name="mic-mode"
            checked={mode === 'push'}
            onChange={() => changeMode('push')}
            data-testid="mic-mode-push"
          />
          Push to talk
        </label>
        <label className="row check">
          <input
            type="radio"
            name="mic-mode"
            checked={mode === 'hands-free'}
            onChange={() => changeMode('hands-free')}
            data-testid="mic-mode-hands-free"
          />
          Hands-free
        </label>
      </span>
      {mic.on && (
        <meter
          className="mic-level"
          min={0}
          max={1}
          value={mic.level}
          aria-label="Microphone level"
          data-testid="mic-level"
        />
      )}
      <span className="muted mic-status" role="status" data-testid="mic-status">
        {mic.busy && !mic.on
          ? 'Opening the microphone…'
          : mic.on
            ? 'The avatar hears you.'
            : mode === 'push'
              ? 'Hold the button or Space to talk.'
              : 'Mic off.'}
      </span>
      {mic.error && (
        <p className="error" role="alert" data-testid="mic-error">
          {mic.error}
        </p>
      )}
    </div>
  );
}

/** A microphone drawn inline: emoji fonts are missing on many Linux desktops. */
function MicIcon() {
  return (
    <svg
      aria-hidden="true"
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      style={{ verticalAlign: '-2px' }}
    >
      <rect x="9" y="2" width="6" height="12" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v4M8 22h8" />
    </svg>
  );
}
