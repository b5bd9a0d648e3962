'use client';
/**
 * The Transcription part of the conversation settings: who turns viewers' voices into text
 * (the server's transcriber, an OpenAI-compatible API of the avatar's own, or nobody) and when
 * a spoken turn counts as finished. A controlled fieldset; the parent form saves it.
 */
import type { ReactNode } from 'react';
import type { TranscriptionView } from '@/lib/conversation/transcription-settings';

export const TRANSCRIPTION_PROVIDER_LABELS = {
  server: "The server's transcriber",
  openai: 'An OpenAI-compatible API',
  off: 'Off (no voice input)',
} as const;
type Provider = keyof typeof TRANSCRIPTION_PROVIDER_LABELS;

export interface TranscriptionForm {
  provider: Provider;
  baseUrl: string;
  model: string;
  apiKey: string;
  removeKey: boolean;
  language: string;
  endOfTurnSilenceMs: string;
}

export function transcriptionForm(view: TranscriptionView): TranscriptionForm {
  return {
    provider: view.provider,
    baseUrl: view.baseUrl ?? '',
    model: view.model ?? '',
    apiKey: '',
    removeKey: false,
    language: view.language ?? '',
    endOfTurnSilenceMs: String(view.endOfTurnSilenceMs),
  };
}

/** `transcription` for PATCH /api/v1/avatars/:id. */
export function transcriptionChanges(form: TranscriptionForm): Record<string, unknown> {
  const silence = Number.parseInt(form.endOfTurnSilenceMs, 10);
  return {
    provider: form.provider,
    language: form.language.trim() === '' ? null : form.language.trim(),
    ...(Number.isFinite(silence) ? { endOfTurnSilenceMs: silence } : {}),
    ...(form.provider === 'openai'
      ? {
          ...(form.baseUrl.trim() ? { baseUrl: form.baseUrl.trim() } : {}),
          ...(form.model.trim() ? { model: form.model.trim() } : {}),
          ...(form.removeKey
            ? { apiKey: null }
            : form.apiKey.trim()
              ? { apiKey: form.apiKey.trim() }
              : {}),
        }
      : {}),
  };
}

export type TranscriptionField =
  'provider' | 'baseUrl' | 'model' | 'apiKey' | 'language' | 'silence';

export function TranscriptionFields(props: {
  id: string;
  value: TranscriptionForm;
  hasApiKey: boolean;
  /** The `server` option's text, saying what the server's default is. */
  serverLabel?: string;
  onChange: (next: TranscriptionForm) => void;
  /** The error shown under a field, with the props that tie it to the input. */
  error: (field: TranscriptionField) => ReactNode;
  described: (field: TranscriptionField) => Record<string, unknown>;
}) {
  const { id, value, onChange, error, described } = props;
  const set = (changes: Partial<TranscriptionForm>) => onChange({ ...value, ...changes });
  return (
    <fieldset>
      <legend>Transcription</legend>
      <p className="muted">
        How the voices of those allowed to talk (you, and guests when you let them) become text:
        each utterance, once they fall silent, is a turn the avatar answers.
      </p>
      <label htmlFor={`${id}-t-provider`}>Transcriber</label>
      <select
        id={`${id}-t-provider`}
        value={value.provider}
        onChange={(e) => set({ provider: e.target.value as Provider })}
        {...described('provider')}
      >
        {Object.entries(TRANSCRIPTION_PROVIDER_LABELS).map(([provider, label]) => (
          <option key={provider} value={provider}>
            {provider === 'server' && props.serverLabel ? props.serverLabel : label}
          </option>
        ))}
      </select>
      {error('provider')}
      {value.provider === 'openai' && (
        <>
          <label htmlFor={`${id}-t-base-url`}>Base URL</label>
          <input
            id={`${id}-t-base-url`}
            type="url"
            inputMode="url"
            placeholder="https://api.openai.com/v1"
            value={value.baseUrl}
            onChange={(e) => set({ baseUrl: e.target.value })}
            autoComplete="off"
            {...described('baseUrl')}
          />
          {error('baseUrl')}
          <label htmlFor={`${id}-t-model`}>Model</label>
          <input
            id={`${id}-t-model`}
            type="text"
            placeholder="whisper-1"
            value={value.model}
            onChange={(e) => set({ model: e.target.value })}
            autoComplete="off"
            {...described('model')}
          />
          {error('model')}
          <label htmlFor={`${id}-t-api-key`}>API key</label>
          <input
            id={`${id}-t-api-key`}
            type="password"
            value={value.apiKey}
            onChange={(e) => set({ apiKey: e.target.value, removeKey: false })}
            placeholder={
              props.hasApiKey ? 'Saved — leave empty to keep' : 'Optional for local servers'
            }
            autoComplete="new-password"
            {...described('apiKey')}
          />
          {props.hasApiKey && (
            <label className="row check">
              <input
                type="checkbox"
                checked={value.removeKey}
                onChange={(e) => set({ removeKey: e.target.checked, apiKey: '' })}
              />
              Remove the saved key
            </label>
          )}
          {error('apiKey')}
        </>
      )}
      {value.provider !== 'off' && (
        <div className="field-pair">
          <div>
            <label htmlFor={`${id}-t-language`}>Language (optional)</label>
            <input
              id={`${id}-t-language`}
              type="text"
              placeholder="en"
              value={value.language}
              onChange={(e) => set({ language: e.target.value })}
              autoComplete="off"
              {...described('language')}
            />
            {error('language')}
          </div>
          <div>
            <label htmlFor={`${id}-t-silence`}>End of turn after silence (ms)</label>
            <input
              id={`${id}-t-silence`}
              type="number"
              min={200}
              max={5000}
              step={100}
              value={value.endOfTurnSilenceMs}
              onChange={(e) => set({ endOfTurnSilenceMs: e.target.value })}
              {...described('silence')}
            />
            {error('silence')}
          </div>
        </div>
      )}
    </fieldset>
  );
}
