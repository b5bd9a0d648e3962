'use client';
/**
 * An avatar's speech provider: the built-in voices, an OpenAI-compatible API (base URL,
 * model, voice, API key) or eSpeak NG (when its plugin is installed). Saves with
 * PATCH /api/v1/avatars/:id; the API key is write-only, so the field stays empty and an
 * empty field keeps the stored key. Errors show next to the field they concern.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { SpeechSettingsView } from '@/lib/avatars/avatar-settings';
import {
  DEFAULT_ESPEAK_VOICE,
  ESPEAK_VOICES,
  OPENAI_MODEL_SUGGESTIONS,
  OPENAI_VOICE_SUGGESTIONS,
  SPEECH_PROVIDERS,
  SPEECH_PROVIDER_LABELS,
  type SpeechProviderId,
} from '@/protocol/speech-provider';
import { jsonInit } from '../_components/api';

interface ProviderInfo {
  id: SpeechProviderId;
  available: boolean;
  unavailableReason?: string;
}

type Field = 'provider' | 'baseUrl' | 'model' | 'voice' | 'apiKey';

interface ErrorBody {
  error?: { message?: string; issues?: { path: string; message: string }[] };
}

export interface SpeechSettingsProps {
  avatarId: string;
  /** The avatar's current settings (`speech` from GET /api/v1/avatars/:id). */
  initial: SpeechSettingsView;
  /** Called with the saved settings. */
  onSaved?: (speech: SpeechSettingsView) => void;
}

/** Which field an API error is about, from its issue path or its wording. */
function fieldOf(path: string, message: string): Field | 'form' {
  const key = path.replace(/^tts\./, '');
  if (key === 'ttsProvider') return 'provider';
  if (key === 'baseUrl' || key === 'model' || key === 'voice' || key === 'apiKey') return key;
  if (/plugin/i.test(message)) return 'provider';
  return 'form';
}

export function SpeechSettings({ avatarId, initial, onSaved }: SpeechSettingsProps) {
  const id = useId();
  const [provider, setProvider] = useState<SpeechProviderId>(initial.provider);
  const [baseUrl, setBaseUrl] = useState(initial.openai.baseUrl ?? '');
  const [model, setModel] = useState(initial.openai.model ?? '');
  const [openaiVoice, setOpenaiVoice] = useState(initial.openai.voice ?? '');
  const [apiKey, setApiKey] = useState('');
  const [hasApiKey, setHasApiKey] = useState(initial.openai.hasApiKey);
  const [espeakVoice, setEspeakVoice] = useState(initial.espeak.voice ?? DEFAULT_ESPEAK_VOICE);
  const [providers, setProviders] = useState<ProviderInfo[]>([]);
  const [errors, setErrors] = useState<Partial<Record<Field | 'form', string>>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    fetch('/api/v1/voices')
      .then((r) => r.json() as Promise<{ providers?: ProviderInfo[] }>)
      .then((body) => setProviders(body.providers ?? []))
      .catch(() => undefined);
  }, []);

  const espeakInfo = providers.find((p) => p.id === 'espeak');

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setSaved(false);
    const tts =
      provider === 'openai'
        ? {
            baseUrl: baseUrl.trim(),
            model: model.trim(),
            voice: openaiVoice.trim(),
            ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
          }
        : provider === 'espeak'
          ? { voice: espeakVoice }
          : undefined;
    setSaving(true);
    try {
      const response = await fetch(
        `/api/v1/avatars/${encodeURIComponent(avatarId)}`,
        jsonInit('PATCH', { ttsProvider: provider, ...(tts ? { tts } : {}) }),
      );
      const body = (await response.json().catch(() => ({}))) as ErrorBody & {
        speech?: SpeechSettingsView;
      };
      if (!response.ok) {
        const next: Partial<Record<Field | 'form', string>> = {};
        const issues = body.error?.issues;
        if (issues && issues.length > 0) {
          for (const issue of issues) next[fieldOf(issue.path, issue.message)] ??= issue.message;
        } else {
          const message = body.error?.message ?? `Saving failed (${response.status}).`;
          const field = /tts\.(baseUrl|model|voice)/.exec(message)?.[1] as Field | undefined;
          next[field ?? fieldOf('', message)] = message;
        }
        setErrors(next);
        return;
      }
      setApiKey('');
      if (body.speech) {
        setHasApiKey(body.speech.openai.hasApiKey);
        onSaved?.(body.speech);
      }
      setSaved(true);
    } catch {
      setErrors({ form: 'Could not reach the server. Check your connection and try again.' });
    } finally {
      setSaving(false);
    }
  }

  const fieldError = (field: Field) =>
    errors[field] ? (
      <p className="error" id={`${id}-${field}-error`} role="alert">
        {errors[field]}
      </p>
    ) : null;
  const described = (field: Field) =>
    errors[field] ? { 'aria-describedby': `${id}-${field}-error`, 'aria-invalid': true } : {};

  return (
    <form className="card speech-settings" onSubmit={(e) => void onSubmit(e)} noValidate>
      <h3>Speech</h3>
      <label htmlFor={`${id}-provider`}>Speech provider</label>
      <select
        id={`${id}-provider`}
        value={provider}
        onChange={(e) => {
          setProvider(e.target.value as SpeechProviderId);
          setSaved(false);
        }}
        {...described('provider')}
      >
        {SPEECH_PROVIDERS.map((p) => (
          <option key={p} value={p}>
            {SPEECH_PROVIDER_LABELS[p]}
            {p === 'espeak' && espeakInfo && !espeakInfo.available ? ' — not installed' : ''}
          </option>
        ))}
      </select>
      {provider === 'espeak' && espeakInfo?.unavailableReason && !errors.provider && (
        <p className="muted">{espeakInfo.unavailableReason}</p>
      )}
      {fieldError('provider')}

      {provider === 'openai' && (
        <fieldset>
          <legend>OpenAI-compatible API</legend>
          <label htmlFor={`${id}-base-url`}>Base URL</label>
          <input
            id={`${id}-base-url`}
            type="url"
            inputMode="url"
            placeholder="https://api.openai.com/v1"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            autoComplete="off"
            {...described('baseUrl')}
          />
          {fieldError('baseUrl')}
          <label htmlFor={`${id}-model`}>Model</label>
          <input
            id={`${id}-model`}
            list={`${id}-models`}
            placeholder="gpt-4o-mini-tts"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            autoComplete="off"
            {...described('model')}
          />
          <datalist id={`${id}-models`}>
            {OPENAI_MODEL_SUGGESTIONS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          {fieldError('model')}
          <label htmlFor={`${id}-voice`}>Voice</label>
          <input
            id={`${id}-voice`}
            list={`${id}-voices`}
            placeholder="alloy"
            value={openaiVoice}
            onChange={(e) => setOpenaiVoice(e.target.value)}
            autoComplete="off"
            {...described('voice')}
          />
          <datalist id={`${id}-voices`}>
            {OPENAI_VOICE_SUGGESTIONS.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
          {fieldError('voice')}
          <label htmlFor={`${id}-api-key`}>API key</label>
          <input
            id={`${id}-api-key`}
            type="password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={hasApiKey ? 'Saved — leave empty to keep' : 'Optional for local servers'}
            autoComplete="new-password"
            {...described('apiKey')}
          />
          <p className="muted" id={`${id}-api-key-hint`}>
            {hasApiKey
              ? 'A key is saved (it is never shown). Leave empty to keep it.'
              : 'Stored encrypted; it is never shown again.'}
          </p>
          {fieldError('apiKey')}
        </fieldset>
      )}

      {provider === 'espeak' && (
        <>
          <label htmlFor={`${id}-espeak-voice`}>Voice</label>
          <select
            id={`${id}-espeak-voice`}
            value={espeakVoice}
            onChange={(e) => setEspeakVoice(e.target.value)}
            {...described('voice')}
          >
            {ESPEAK_VOICES.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
          {fieldError('voice')}
        </>
      )}

      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="row" style={{ marginTop: 12 }}>
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {saved && (
          <span className="muted" role="status">
            Saved. New sessions use these settings.
          </span>
        )}
      </div>
    </form>
  );
}
