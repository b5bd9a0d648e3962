'use client';
/**
 * An avatar's own lip-sync model (Wav2Lip-compatible ONNX): shows whether one is set and what
 * was found in it, uploads a new one (PUT /api/v1/avatars/:id/lip-sync-model, the file as the
 * raw body, settings in the query) and removes it. The server checks the model before it
 * replaces the current one, so a refused upload changes nothing; its reason shows here.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { LipSyncModelView } from '@/lib/avatars/lip-sync-model';

interface ErrorBody {
  error?: { message?: string };
}

type View = LipSyncModelView & { fileMissing?: true };

export interface LipSyncPanelProps {
  avatarId: string;
}

const MB = 1024 * 1024;

export function LipSyncPanel({ avatarId }: LipSyncPanelProps) {
  const id = useId();
  const url = `/api/v1/avatars/${encodeURIComponent(avatarId)}/lip-sync-model`;
  const [view, setView] = useState<View | undefined>();
  const [file, setFile] = useState<File | null>(null);
  const [channelOrder, setChannelOrder] = useState<'bgr' | 'rgb'>('bgr');
  const [batchSize, setBatchSize] = useState('4');
  const [melInput, setMelInput] = useState('');
  const [faceInput, setFaceInput] = useState('');
  const [busy, setBusy] = useState<'upload' | 'remove' | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    fetch(url)
      .then((r) => r.json() as Promise<View>)
      .then(setView)
      .catch(() => setError('Could not load the lip-sync settings.'));
  }, [url]);

  async function failure(response: Response): Promise<string> {
    const body = (await response.json().catch(() => ({}))) as ErrorBody;
    return body.error?.message ?? `The request failed (${response.status}).`;
  }

  async function onUpload(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (!file) {
      setError('Choose an .onnx file first.');
      return;
    }
    const query = new URLSearchParams({ channelOrder, batchSize });
    if (melInput.trim()) query.set('melInput', melInput.trim());
    if (faceInput.trim()) query.set('faceInput', faceInput.trim());
    setBusy('upload');
    try {
      const response = await fetch(`${url}?${query}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: file,
      });
      if (!response.ok) {
        setError(await failure(response));
        return;
      }
      setView((await response.json()) as View);
      setFile(null);
    } catch {
      setError('Could not reach the server. Check your connection and try again.');
    } finally {
      setBusy(undefined);
    }
  }

  async function onRemove() {
    setError(undefined);
    setBusy('remove');
    try {
      const response = await fetch(url, { method: 'DELETE' });
      if (!response.ok) {
        setError(await failure(response));
        return;
      }
      setView({ configured: false });
    } catch {
      setError('Could not reach the server. Check your connection and try again.');
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <form className="card lip-sync-panel" onSubmit={(e) => void onUpload(e)} noValidate>
      <h3>Lip-sync model</h3>
      {view === undefined ? (
        <p className="muted">Loading…</p>
      ) : view.configured ? (
        <div data-testid="lip-sync-status">
          <p>
            <span className="badge ready">ONNX model</span> {(view.sizeBytes / MB).toFixed(1)} MB,
            face {view.resolved.faceSizePx}×{view.resolved.faceSizePx} px, inputs “
            {view.resolved.melName}” (mel) and “{view.resolved.faceName}” (face),{' '}
            {view.channelOrder.toUpperCase()}, batch {view.batchSize}.
          </p>
          {view.fileMissing && (
            <p className="error" role="alert">
              The model file is missing on the server; sessions use the built-in renderer. Upload it
              again or remove it.
            </p>
          )}
          <p className="muted">
            Sessions use it when the host can keep up with the frame rate, and switch to the
            built-in renderer otherwise (the session shows why).
          </p>
        </div>
      ) : (
        <p className="muted" data-testid="lip-sync-status">
          None: the built-in renderer animates the mouth. Upload a Wav2Lip-compatible ONNX model
          (mel [B,1,80,16] + face [B,6,S,S] → [B,3,S,S]) to use it instead.
        </p>
      )}

      <label htmlFor={`${id}-file`}>Model file (.onnx, up to 500 MB)</label>
      <input
        id={`${id}-file`}
        type="file"
        accept=".onnx,application/octet-stream"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <div className="row">
        <div className="grow">
          <label htmlFor={`${id}-order`}>Channel order</label>
          <select
            id={`${id}-order`}
            value={channelOrder}
            onChange={(e) => setChannelOrder(e.target.value as 'bgr' | 'rgb')}
          >
            <option value="bgr">BGR (Wav2Lip)</option>
            <option value="rgb">RGB</option>
          </select>
        </div>
        <div className="grow">
          <label htmlFor={`${id}-batch`}>Batch size</label>
          <input
            id={`${id}-batch`}
            type="text"
            inputMode="numeric"
            value={batchSize}
            onChange={(e) => setBatchSize(e.target.value)}
          />
        </div>
      </div>
      <div className="row">
        <div className="grow">
          <label htmlFor={`${id}-mel`}>Mel input name (optional)</label>
          <input
            id={`${id}-mel`}
            type="text"
            placeholder="found by shape"
            value={melInput}
            onChange={(e) => setMelInput(e.target.value)}
          />
        </div>
        <div className="grow">
          <label htmlFor={`${id}-face`}>Face input name (optional)</label>
          <input
            id={`${id}-face`}
            type="text"
            placeholder="found by shape"
            value={faceInput}
            onChange={(e) => setFaceInput(e.target.value)}
          />
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row" style={{ marginTop: 12 }}>
        <button type="submit" disabled={busy !== undefined}>
          {busy === 'upload'
            ? 'Checking the model…'
            : view?.configured
              ? 'Replace model'
              : 'Upload model'}
        </button>
        {view?.configured && (
          <button
            type="button"
            className="secondary"
            disabled={busy !== undefined}
            onClick={() => void onRemove()}
          >
            {busy === 'remove' ? 'Removing…' : 'Remove model'}
          </button>
        )}
      </div>
    </form>
  );
}
