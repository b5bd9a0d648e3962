'use client';
import { useRouter } from 'next/navigation';
import { type ChangeEvent, type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_VOICE_ID, VOICES } from '@/worker/protocol/session-request';
import { api, jsonInit } from '../_components/api';

interface Avatar {
  id: string;
  name: string;
  status: 'preparing' | 'ready' | 'failed';
  error?: string;
  voice: string;
  speechRate: number;
}

const RATES = [
  { value: 0.75, label: 'Slow' },
  { value: 1, label: 'Natural' },
  { value: 1.25, label: 'Brisk' },
  { value: 1.5, label: 'Fast' },
];
const voiceLabel = (id: string) => VOICES.find((v) => v.id === id)?.label ?? id;

const ACCEPT = 'image/jpeg,image/png,image/webp';

export function AvatarLibrary({ maxUploadMb }: { maxUploadMb: number }) {
  const router = useRouter();
  const [avatars, setAvatars] = useState<Avatar[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const load = useCallback(async () => {
    const body = await api<{ avatars: Avatar[] }>('/api/v1/avatars');
    setAvatars(body.avatars);
  }, []);

  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  // Poll while any avatar is still being prepared.
  useEffect(() => {
    if (!avatars?.some((a) => a.status === 'preparing')) return;
    const timer = setInterval(() => void load().catch(() => undefined), 1000);
    return () => clearInterval(timer);
  }, [avatars, load]);

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setError(null);
    if (preview) URL.revokeObjectURL(preview);
    setPreview(null);
    if (!file) return;
    if (!ACCEPT.split(',').includes(file.type)) {
      setError('Choose a JPEG, PNG or WebP image.');
      return;
    }
    if (file.size > maxUploadMb * 1024 * 1024) {
      setError(`This image is larger than ${maxUploadMb} MB. Choose a smaller one.`);
      return;
    }
    setPreview(URL.createObjectURL(file));
  }

  async function onUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setUploading(true);
    setError(null);
    try {
      await api('/api/v1/avatars', { method: 'POST', body: new FormData(event.currentTarget) });
      formRef.current?.reset();
      setPreview(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setUploading(false);
    }
  }

  async function onChangeVoice(avatar: Avatar, changes: { voice?: string; speechRate?: number }) {
    setError(null);
    try {
      await api(`/api/v1/avatars/${avatar.id}`, jsonInit('PATCH', changes));
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onDelete(avatar: Avatar) {
    if (!confirm(`Delete avatar "${avatar.name}"? Its live sessions end too.`)) return;
    try {
      await api(`/api/v1/avatars/${avatar.id}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onStart(avatar: Avatar) {
    setStarting(avatar.id);
    setError(null);
    try {
      const session = await api<{ id: string }>(
        '/api/v1/sessions',
        jsonInit('POST', { avatarId: avatar.id }),
      );
      router.push(`/sessions/${session.id}`);
    } catch (e) {
      setError((e as Error).message);
      setStarting(null);
    }
  }

  return (
    <>
      <h1>Avatars</h1>
      <form
        ref={formRef}
        className="card"
        onSubmit={(e) => void onUpload(e)}
        aria-label="New avatar"
      >
        <h2 style={{ marginTop: 0 }}>New avatar</h2>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div className="grow">
            <label htmlFor="avatar-name">Name</label>
            <input
              id="avatar-name"
              name="name"
              type="text"
              required
              maxLength={80}
              placeholder="e.g. Museum guide"
            />
            <div className="row">
              <div className="grow">
                <label htmlFor="avatar-voice">Voice</label>
                <select id="avatar-voice" name="voice" defaultValue={DEFAULT_VOICE_ID}>
                  {VOICES.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.label}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="avatar-rate">Speaking rate</label>
                <select id="avatar-rate" name="speechRate" defaultValue="1">
                  {RATES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <label htmlFor="avatar-image">
              Portrait (JPEG, PNG or WebP, up to {maxUploadMb} MB; one clear, front-facing face)
            </label>
            <input
              id="avatar-image"
              name="image"
              type="file"
              accept={ACCEPT}
              required
              onChange={onFile}
            />
            <div style={{ marginTop: 16 }}>
              <button type="submit" disabled={uploading}>
                {uploading ? 'Uploading…' : 'Create avatar'}
              </button>
            </div>
          </div>
          {preview && (
            <img className="preview" src={preview} alt="Preview of the chosen portrait" />
          )}
        </div>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
      </form>

      <h2>Your avatars</h2>
      {avatars === null ? (
        <p className="muted">Loading…</p>
      ) : avatars.length === 0 ? (
        <div className="empty">
          No avatars yet. Upload a portrait above to create your first one.
        </div>
      ) : (
        <div className="grid">
          {avatars.map((avatar) => (
            <div
              key={avatar.id}
              className="card avatar-card"
              data-testid="avatar-card"
              data-status={avatar.status}
            >
              <img
                src={`/api/v1/avatars/${avatar.id}/image?s=${avatar.status}`}
                alt={avatar.name}
              />
              <div className="name">{avatar.name}</div>
              <span className={`badge ${avatar.status}`} data-testid="avatar-status">
                {avatar.status}
              </span>
              {avatar.status === 'preparing' && (
                <div className="progress" style={{ marginTop: 8 }} aria-label="Preparing">
                  <div />
                </div>
              )}
              {avatar.error && <p className="error">{avatar.error}</p>}
              {avatar.status !== 'failed' && (
                <div className="row" style={{ marginTop: 8 }}>
                  <select
                    aria-label={`Voice of ${avatar.name}`}
                    value={avatar.voice}
                    onChange={(e) => void onChangeVoice(avatar, { voice: e.target.value })}
                    title={voiceLabel(avatar.voice)}
                  >
                    {VOICES.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.label}
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label={`Speaking rate of ${avatar.name}`}
                    value={String(avatar.speechRate)}
                    onChange={(e) =>
                      void onChangeVoice(avatar, { speechRate: Number(e.target.value) })
                    }
                  >
                    {RATES.some((r) => r.value === avatar.speechRate) ? null : (
                      <option value={String(avatar.speechRate)}>{avatar.speechRate}×</option>
                    )}
                    {RATES.map((r) => (
                      <option key={r.value} value={String(r.value)}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <div className="row" style={{ marginTop: 12 }}>
                {avatar.status === 'ready' && (
                  <button
                    type="button"
                    onClick={() => void onStart(avatar)}
                    disabled={starting !== null}
                  >
                    {starting === avatar.id ? 'Starting…' : 'Start session'}
                  </button>
                )}
                <button type="button" className="secondary" onClick={() => void onDelete(avatar)}>
                  Delete
                </button>
              </div>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
