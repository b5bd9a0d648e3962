'use client';
/**
 * An avatar's conversation settings: Echo (says what it is sent) or Chat (answers with an
 * OpenAI-compatible language model: base URL, model, API key, temperature, max tokens, with a
 * Test button), the persona, greeting, memory and fallback line, and the transcription of
 * viewers' voices. Saves with PATCH /api/v1/avatars/:id; keys are write-only, so the key
 * fields stay empty and an empty field keeps the stored key. The API's messages show next to
 * the field they concern.
 */
import { type FormEvent, useId, useState } from 'react';
import type { AvatarView } from '@/lib/avatars/avatar-view';
import { PERSONA_MAX_CHARS } from '@/protocol/conversation';
import { jsonInit } from '../_components/api';
import { ChatModelTest, type ChatModelTestSettings } from './chat-model-test';
import {
  type TranscriptionField,
  TranscriptionFields,
  transcriptionChanges,
  transcriptionForm,
} from './transcription-fields';

type Field =
  | 'mode'
  | 'baseUrl'
  | 'model'
  | 'apiKey'
  | 'temperature'
  | 'maxTokens'
  | 'persona'
  | 'greeting'
  | 'memoryTurns'
  | 'fallback'
  | `t.${TranscriptionField}`
  | 'form';

interface ErrorBody {
  error?: { message?: string; issues?: { path: string; message: string }[] };
}

/** Which field an API error is about, from its issue path or the path its message names. */
function fieldOf(path: string): Field {
  const [group, ...rest] = path.split('.');
  const key = rest.filter((p) => p !== 'llm').join('.');
  if (group === 'conversation') {
    const known = ['mode', 'baseUrl', 'model', 'apiKey', 'temperature', 'maxTokens'];
    if (known.includes(key) || ['persona', 'greeting', 'memoryTurns', 'fallback'].includes(key))
      return key as Field;
  }
  if (group === 'transcription') {
    if (key === 'endOfTurnSilenceMs') return 't.silence';
    if (['provider', 'baseUrl', 'model', 'apiKey', 'language'].includes(key))
      return `t.${key}` as Field;
  }
  return 'form';
}

const optionalNumber = (text: string): number | null =>
  text.trim() === '' || !Number.isFinite(Number(text)) ? null : Number(text);

export function ConversationSettings(props: {
  avatarId: string;
  conversation: AvatarView['conversation'];
  transcription: AvatarView['transcription'];
  /** The provider option for the server's transcriber, saying what it is. */
  serverTranscriber: string;
  onSaved?: (avatar: AvatarView) => void;
}) {
  const id = useId();
  const initial = props.conversation;
  const [mode, setMode] = useState(initial.mode);
  const [baseUrl, setBaseUrl] = useState(initial.llm.baseUrl ?? '');
  const [model, setModel] = useState(initial.llm.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [hasApiKey, setHasApiKey] = useState(initial.llm.hasApiKey);
  const [temperature, setTemperature] = useState(String(initial.llm.temperature ?? ''));
  const [maxTokens, setMaxTokens] = useState(String(initial.llm.maxTokens ?? ''));
  const [persona, setPersona] = useState(initial.persona);
  const [greeting, setGreeting] = useState(initial.greeting);
  const [memoryTurns, setMemoryTurns] = useState(String(initial.memoryTurns));
  const [fallback, setFallback] = useState(initial.fallback);
  const [transcription, setTranscription] = useState(transcriptionForm(props.transcription));
  const [hasTranscriptionKey, setHasTranscriptionKey] = useState(props.transcription.hasApiKey);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const llmSettings = (): ChatModelTestSettings => ({
    ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
    ...(model.trim() ? { model: model.trim() } : {}),
    ...(removeKey ? { apiKey: null } : apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
    temperature: optionalNumber(temperature),
    maxTokens: optionalNumber(maxTokens),
  });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setSaved(false);
    const memory = Number.parseInt(memoryTurns, 10);
    const conversation = {
      mode,
      greeting,
      ...(mode === 'chat'
        ? {
            llm: llmSettings(),
            persona,
            ...(Number.isFinite(memory) ? { memoryTurns: memory } : {}),
            ...(fallback.trim() ? { fallback } : {}),
          }
        : {}),
    };
    setSaving(true);
    try {
      const response = await fetch(
        `/api/v1/avatars/${encodeURIComponent(props.avatarId)}`,
        jsonInit('PATCH', { conversation, transcription: transcriptionChanges(transcription) }),
      );
      const body = (await response.json().catch(() => ({}))) as ErrorBody & AvatarView;
      if (!response.ok) {
        const next: Partial<Record<Field, string>> = {};
        const issues = body.error?.issues;
        if (issues && issues.length > 0) {
          for (const issue of issues) next[fieldOf(issue.path)] ??= issue.message;
        } else {
          const message = body.error?.message ?? `Saving failed (${response.status}).`;
          const named = /\b((?:conversation|transcription)\.[\w.]+)/.exec(message)?.[1];
          next[named ? fieldOf(named) : 'form'] = message;
        }
        setErrors(next);
        return;
      }
      setApiKey('');
      setRemoveKey(false);
      setHasApiKey(body.conversation.llm.hasApiKey);
      setHasTranscriptionKey(body.transcription.hasApiKey);
      setTranscription(transcriptionForm(body.transcription));
      setSaved(true);
      props.onSaved?.(body);
    } catch {
      setErrors({ form: 'Could not reach the server. Check your connection and try again.' });
    } finally {
      setSaving(false);
    }
  }

  const errorId = (field: Field) => `${id}-${field.replace('.', '-')}-error`;
  const fieldError = (field: Field) =>
    errors[field] ? (
      <p className="error" id={errorId(field)} role="alert">
        {errors[field]}
      </p>
    ) : null;
  const described = (field: Field) =>
    errors[field] ? { 'aria-describedby': errorId(field), 'aria-invalid': true } : {};
  const edited = () => setSaved(false);

  return (
    <form
      className="card conversation-settings"
      onSubmit={(e) => void onSubmit(e)}
      onChange={edited}
      noValidate
      aria-labelledby={`${id}-title`}
      data-testid="conversation-settings"
    >
      <h3 id={`${id}-title`}>Conversation</h3>
      <fieldset className="mode-choice" {...described('mode')}>
        <legend>Mode</legend>
        <label className="row check">
          <input
            type="radio"
            name={`${id}-mode`}
            value="echo"
            checked={mode === 'echo'}
            onChange={() => setMode('echo')}
          />
          <span>
            <strong>Echo</strong> — says what it is sent
          </span>
        </label>
        <label className="row check">
          <input
            type="radio"
            name={`${id}-mode`}
            value="chat"
            checked={mode === 'chat'}
            onChange={() => setMode('chat')}
          />
          <span>
            <strong>Chat</strong> — answers with a language model
          </span>
        </label>
      </fieldset>
      {fieldError('mode')}

      {mode === 'chat' && (
        <>
          <fieldset>
            <legend>Language model (OpenAI-compatible)</legend>
            <label htmlFor={`${id}-base-url`}>Base URL</label>
            <input
              id={`${id}-base-url`}
              type="url"
              inputMode="url"
              placeholder="http://localhost:11434/v1"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              autoComplete="off"
              {...described('baseUrl')}
            />
            {fieldError('baseUrl')}
            <label htmlFor={`${id}-model`}>Model</label>
            <input
              id={`${id}-model`}
              type="text"
              placeholder="llama3.2"
              value={model}
              onChange={(e) => setModel(e.target.value)}
              autoComplete="off"
              {...described('model')}
            />
            {fieldError('model')}
            <label htmlFor={`${id}-api-key`}>API key</label>
            <input
              id={`${id}-api-key`}
              type="password"
              value={apiKey}
              onChange={(e) => {
                setApiKey(e.target.value);
                setRemoveKey(false);
              }}
              placeholder={hasApiKey ? 'Saved — leave empty to keep' : 'Optional for local servers'}
              autoComplete="new-password"
              {...described('apiKey')}
            />
            {hasApiKey ? (
              <label className="row check">
                <input
                  type="checkbox"
                  checked={removeKey}
                  onChange={(e) => {
                    setRemoveKey(e.target.checked);
                    setApiKey('');
                  }}
                />
                Remove the saved key
              </label>
            ) : (
              <p className="muted">
                Stored encrypted; never shown again. Changing the base URL drops it.
              </p>
            )}
            {fieldError('apiKey')}
            <div className="field-pair">
              <div>
                <label htmlFor={`${id}-temperature`}>Temperature (0-2)</label>
                <input
                  id={`${id}-temperature`}
                  type="number"
                  min={0}
                  max={2}
                  step={0.1}
                  placeholder="model default"
                  value={temperature}
                  onChange={(e) => setTemperature(e.target.value)}
                  {...described('temperature')}
                />
                {fieldError('temperature')}
              </div>
              <div>
                <label htmlFor={`${id}-max-tokens`}>Max tokens</label>
                <input
                  id={`${id}-max-tokens`}
                  type="number"
                  min={1}
                  max={32000}
                  step={1}
                  placeholder="model default"
                  value={maxTokens}
                  onChange={(e) => setMaxTokens(e.target.value)}
                  {...described('maxTokens')}
                />
                {fieldError('maxTokens')}
              </div>
            </div>
            <ChatModelTest avatarId={props.avatarId} settings={llmSettings} />
          </fieldset>

          <label htmlFor={`${id}-persona`}>Persona (the model&apos;s instructions)</label>
          <textarea
            id={`${id}-persona`}
            rows={5}
            value={persona}
            maxLength={PERSONA_MAX_CHARS}
            placeholder="You are the friendly guide of a small art museum. Answer in one or two short sentences."
            onChange={(e) => setPersona(e.target.value)}
            aria-describedby={`${id}-persona-count`}
            {...described('persona')}
          />
          <p
            className="muted char-count"
            id={`${id}-persona-count`}
            aria-live="polite"
            data-testid="persona-count"
          >
            {persona.length} / {PERSONA_MAX_CHARS}
          </p>
          {fieldError('persona')}
        </>
      )}

      <label htmlFor={`${id}-greeting`}>Greeting (said when the first viewer joins)</label>
      <input
        id={`${id}-greeting`}
        type="text"
        value={greeting}
        placeholder="None"
        onChange={(e) => setGreeting(e.target.value)}
        {...described('greeting')}
      />
      {fieldError('greeting')}

      {mode === 'chat' && (
        <>
          <label htmlFor={`${id}-memory`}>
            Memory (turns of this session sent to the model, 0-50)
          </label>
          <input
            id={`${id}-memory`}
            type="number"
            min={0}
            max={50}
            step={1}
            value={memoryTurns}
            onChange={(e) => setMemoryTurns(e.target.value)}
            {...described('memoryTurns')}
          />
          {fieldError('memoryTurns')}
          <label htmlFor={`${id}-fallback`}>Fallback line (said when the model fails)</label>
          <input
            id={`${id}-fallback`}
            type="text"
            value={fallback}
            onChange={(e) => setFallback(e.target.value)}
            {...described('fallback')}
          />
          {fieldError('fallback')}
        </>
      )}

      <TranscriptionFields
        id={id}
        value={transcription}
        hasApiKey={hasTranscriptionKey}
        serverLabel={props.serverTranscriber}
        onChange={setTranscription}
        error={(field) => fieldError(`t.${field}`)}
        described={(field) => described(`t.${field}`)}
      />

      {fieldError('form')}
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
