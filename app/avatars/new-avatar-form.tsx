'use client';
/**
 * The form that creates an avatar from a portrait photo or a short video: name, voice,
 * speaking rate, framing and the file. The browser checks type and size first for a quick
 * answer; the server checks again from the file's bytes.
 */
import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import { DEFAULT_FRAMING, FRAMINGS } from '@/lib/avatars/framings';
import { MAX_VIDEO_SECONDS } from '@/lib/avatars/preparation-error';
import { MAX_VIDEO_BYTES, UPLOAD_ACCEPT } from '@/lib/avatars/upload-limits';
import { DEFAULT_VOICE_ID, VOICES } from '@/protocol/voices';
import { api } from '../_components/api';
import { RATES } from './avatar-card';

const MB = 1024 * 1024;

export function NewAvatarForm(props: { maxUploadMb: number; onCreated: () => Promise<void> }) {
  const { maxUploadMb } = props;
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [preview, setPreview] = useState<{ url: string; kind: 'image' | 'video' } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  function clearPreview() {
    if (preview) URL.revokeObjectURL(preview.url);
    setPreview(null);
  }

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setError(null);
    clearPreview();
    if (!file) return;
    if (!UPLOAD_ACCEPT.split(',').includes(file.type)) {
      setError('Choose a JPEG, PNG or WebP portrait, or an MP4 or WebM video.');
      return;
    }
    const kind = file.type.startsWith('video/') ? 'video' : 'image';
    const maxBytes = kind === 'video' ? MAX_VIDEO_BYTES : maxUploadMb * MB;
    if (file.size > maxBytes) {
      setError(
        `This ${kind} is larger than ${Math.round(maxBytes / MB)} MB. ${
          kind === 'video' ? 'Trim or compress it' : 'Choose a smaller one'
        }.`,
      );
      return;
    }
    setPreview({ url: URL.createObjectURL(file), kind });
  }

  async function onUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setUploading(true);
    setError(null);
    try {
      await api('/api/v1/avatars', { method: 'POST', body: new FormData(event.currentTarget) });
      formRef.current?.reset();
      clearPreview();
      await props.onCreated();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setUploading(false);
    }
  }

  return (
    <form ref={formRef} className="card" onSubmit={(e) => void onUpload(e)} aria-label="New avatar">
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
            <div>
              <label htmlFor="avatar-framing">Framing</label>
              <select id="avatar-framing" name="framing" defaultValue={DEFAULT_FRAMING}>
                {Object.entries(FRAMINGS).map(([id, framing]) => (
                  <option key={id} value={id}>
                    {framing.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <label htmlFor="avatar-image">
            Portrait photo (JPEG, PNG or WebP, up to {maxUploadMb} MB) or video of the person
            sitting still (MP4 or WebM, up to {MAX_VIDEO_SECONDS} s and {MAX_VIDEO_BYTES / MB} MB);
            one clear, front-facing face
          </label>
          <input
            id="avatar-image"
            name="file"
            type="file"
            accept={UPLOAD_ACCEPT}
            required
            onChange={onFile}
          />
          <div style={{ marginTop: 16 }}>
            <button type="submit" disabled={uploading}>
              {uploading ? 'Uploading…' : 'Create avatar'}
            </button>
          </div>
        </div>
        {preview?.kind === 'image' && (
          <img className="preview" src={preview.url} alt="Preview of the chosen portrait" />
        )}
        {preview?.kind === 'video' && (
          <video
            className="preview"
            src={preview.url}
            muted
            loop
            autoPlay
            playsInline
            aria-label="Preview of the chosen video"
          />
        )}
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
