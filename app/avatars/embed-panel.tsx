'use client';
/**
 * An avatar's Embed panel (docs/widget.md): which sites may show the widget, how it greets,
 * answers, looks and limits itself; the snippet to paste and a live preview of the frame.
 * PUT /api/v1/avatars/:id/embed turns it on or saves; DELETE turns it off.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { EmbedView } from '@/lib/embeds/embed-settings';
import { api, jsonInit } from '../_components/api';

interface Form {
  origins: string;
  greeting: string;
  mode: 'chat' | 'echo';
  themeMode: 'light' | 'dark';
  accent: string;
  position: 'bottom-right' | 'bottom-left';
  launcherLabel: string;
  microphone: boolean;
  allowSay: boolean;
  maxSessions: string;
  maxMinutes: string;
}

const EMPTY: Form = {
  origins: '',
  greeting: '',
  mode: 'echo',
  themeMode: 'light',
  accent: '#4f46e5',
  position: 'bottom-right',
  launcherLabel: 'Talk to us',
  microphone: true,
  allowSay: false,
  maxSessions: '3',
  maxMinutes: '10',
};

function formOf(view: EmbedView): Form {
  return {
    origins: view.allowedOrigins.join('\n'),
    greeting: view.greeting,
    mode: view.mode,
    themeMode: view.theme.mode,
    accent: view.theme.accent,
    position: view.position,
    launcherLabel: view.launcherLabel,
    microphone: view.microphone,
    allowSay: view.allowSay,
    maxSessions: String(view.maxSessions),
    maxMinutes: String(view.maxMinutes),
  };
}

export function EmbedPanel({
  avatarId,
  chatAvailable,
}: {
  avatarId: string;
  chatAvailable: boolean;
}) {
  const id = useId();
  const url = `/api/v1/avatars/${encodeURIComponent(avatarId)}/embed`;
  const [view, setView] = useState<EmbedView | null | undefined>();
  const [form, setForm] = useState<Form>({ ...EMPTY, mode: chatAvailable ? 'chat' : 'echo' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showSecret, setShowSecret] = useState(false);
  const [previewKey, setPreviewKey] = useState(0);

  useEffect(() => {
    api<EmbedView>(url)
      .then((loaded) => {
        setView(loaded);
        setForm(formOf(loaded));
      })
      .catch(() => setView(null));
  }, [url]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api<EmbedView>(
        url,
        jsonInit('PUT', {
          allowedOrigins: form.origins
            .split(/[\s,]+/)
            .map((o) => o.trim())
            .filter(Boolean),
          greeting: form.greeting,
          mode: form.mode,
          theme: { mode: form.themeMode, accent: form.accent },
          position: form.position,
          launcherLabel: form.launcherLabel,
          microphone: form.microphone,
          allowSay: form.allowSay,
          maxSessions: Number(form.maxSessions),
          maxMinutes: Number(form.maxMinutes),
        }),
      );
      setView(saved);
      setForm(formOf(saved));
      setPreviewKey((n) => n + 1);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const turnOff = async () => {
    setBusy(true);
    try {
      await api(url, { method: 'DELETE' });
      setView(null);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack embed-panel" data-testid="embed-panel" onSubmit={(e) => void save(e)}>
      <p className="muted">
        Show this avatar on your own site: paste one tag into its pages. Only the sites listed here
        can show it.
      </p>
      <label htmlFor={`${id}-origins`}>Allowed sites (one origin a line)</label>
      <textarea
        id={`${id}-origins`}
        data-testid="embed-origins"
        rows={3}
        placeholder={'https://shop.example\nhttps://*.example.com'}
        value={form.origins}
        onChange={(e) => set('origins', e.target.value)}
      />
      <label htmlFor={`${id}-greeting`}>Greeting (empty: the avatar&apos;s own)</label>
      <input
        id={`${id}-greeting`}
        value={form.greeting}
        maxLength={500}
        onChange={(e) => set('greeting', e.target.value)}
      />
      <div className="row">
        <label className="row check">
          Mode
          <select value={form.mode} onChange={(e) => set('mode', e.target.value as Form['mode'])}>
            <option value="chat" disabled={!chatAvailable}>
              chat (the language model answers)
            </option>
            <option value="echo">echo (says what it is sent)</option>
          </select>
        </label>
        <label className="row check">
          Theme
          <select
            value={form.themeMode}
            onChange={(e) => set('themeMode', e.target.value as Form['themeMode'])}
          >
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <label className="row check">
          Accent
          <input type="color" value={form.accent} onChange={(e) => set('accent', e.target.value)} />
        </label>
        <label className="row check">
          Position
          <select
            value={form.position}
            onChange={(e) => set('position', e.target.value as Form['position'])}
          >
            <option value="bottom-right">bottom right</option>
            <option value="bottom-left">bottom left</option>
          </select>
        </label>
      </div>
      <div className="row">
        <label className="row check">
          Launcher label
          <input
            value={form.launcherLabel}
            maxLength={40}
            onChange={(e) => set('launcherLabel', e.target.value)}
          />
        </label>
        <label className="row check">
          <input
            type="checkbox"
            checked={form.microphone}
            onChange={(e) => set('microphone', e.target.checked)}
          />
          Visitors may use the microphone
        </label>
        <label className="row check">
          <input
            type="checkbox"
            checked={form.allowSay}
            onChange={(e) => set('allowSay', e.target.checked)}
          />
          The page may make it speak (facecast:say)
        </label>
      </div>
      <div className="row">
        <label className="row check">
          At most
          <input
            type="number"
            min={1}
            max={100}
            style={{ width: 70 }}
            aria-label="Most conversations at once"
            value={form.maxSessions}
            onChange={(e) => set('maxSessions', e.target.value)}
          />
          conversations at once, each at most
          <input
            type="number"
            min={1}
            max={120}
            style={{ width: 70 }}
            aria-label="Longest conversation, minutes"
            value={form.maxMinutes}
            onChange={(e) => set('maxMinutes', e.target.value)}
          />
          minutes
        </label>
      </div>
      <div className="row">
        <button type="submit" disabled={busy} data-testid="embed-save">
          {view ? 'Save' : 'Turn embedding on'}
        </button>
        {view && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void turnOff()}
          >
            Turn off
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="embed-error">
          {error}
        </p>
      )}
      {view && (
        <>
          <label htmlFor={`${id}-snippet`}>Paste this into your pages</label>
          <textarea
            id={`${id}-snippet`}
            data-testid="embed-snippet"
            readOnly
            rows={2}
            value={view.snippet}
            onFocus={(e) => e.target.select()}
          />
          <p className="muted">
            Signing secret for named visitors (docs/widget.md):{' '}
            {showSecret ? (
              <code data-testid="embed-secret">{view.secret}</code>
            ) : (
              <button type="button" className="secondary" onClick={() => setShowSecret(true)}>
                Show
              </button>
            )}
          </p>
          <p className="muted">Preview (a conversation started here counts as yours):</p>
          <iframe
            key={previewKey}
            className="embed-preview"
            title="Widget preview"
            src={`/embed/${view.embedKey}`}
            allow="microphone; autoplay"
            data-testid="embed-preview"
          />
        </>
      )}
    </form>
  );
}
