'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api, jsonInit } from '../../_components/api';

export function SessionControls(props: {
  sessionId: string;
  viewerUrl: string;
  publicViewing: boolean;
  guestsMayTalk: boolean;
}) {
  const router = useRouter();
  const [shared, setShared] = useState(props.publicViewing);
  const [guestsTalk, setGuestsTalk] = useState(props.guestsMayTalk);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function toggleShare(next: boolean) {
    setError(null);
    setShared(next); // show the choice at once; undo it if the server refuses
    try {
      await api(`/api/v1/sessions/${props.sessionId}`, jsonInit('PATCH', { publicViewing: next }));
    } catch (e) {
      setShared(!next);
      setError((e as Error).message);
    }
  }

  async function toggleGuestsTalk(next: boolean) {
    setError(null);
    setGuestsTalk(next);
    try {
      await api(`/api/v1/sessions/${props.sessionId}`, jsonInit('PATCH', { guestsMayTalk: next }));
    } catch (e) {
      setGuestsTalk(!next);
      setError((e as Error).message);
    }
  }

  async function stop() {
    if (!confirm('Stop this session? Everyone watching is disconnected.')) return;
    try {
      await api(`/api/v1/sessions/${props.sessionId}`, { method: 'DELETE' });
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <div className="card" style={{ marginTop: 24 }}>
      <h2 style={{ marginTop: 0 }}>Share and control</h2>
      <label className="row" style={{ color: 'inherit' }}>
        <input
          type="checkbox"
          checked={shared}
          data-testid="public-viewing"
          onChange={(e) => void toggleShare(e.target.checked)}
        />
        Anyone with the viewer link can watch and chat (no login needed)
      </label>
      <div className="row" style={{ marginTop: 8 }}>
        <input
          className="grow"
          type="text"
          readOnly
          value={props.viewerUrl}
          data-testid="viewer-url"
          aria-label="Viewer link"
        />
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(props.viewerUrl).then(() => setCopied(true))
          }
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
      {!shared && (
        <p className="muted">Only you can open the viewer link until you enable sharing.</p>
      )}
      <label className="row" style={{ color: 'inherit', marginTop: 8 }}>
        <input
          type="checkbox"
          role="switch"
          checked={guestsTalk}
          data-testid="guests-may-talk"
          onChange={(e) => void toggleGuestsTalk(e.target.checked)}
        />
        Guests may talk: people on the viewer link can use their microphone to talk to the avatar
        (you always can)
      </label>
      <div className="row" style={{ marginTop: 16 }}>
        <button
          type="button"
          className="danger"
          data-testid="stop-session"
          onClick={() => void stop()}
        >
          Stop session
        </button>
      </div>
      {error && <div className="error">{error}</div>}
    </div>
  );
}
