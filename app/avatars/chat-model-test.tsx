'use client';
/**
 * The "Test" button of the conversation settings: one real request to the language model the
 * form describes (saved or not) through POST /api/v1/avatars/:id/conversation/test; shows the
 * answer and how long it took, or the provider's exact error. Results are announced politely.
 */
import { useState } from 'react';
import { jsonInit } from '../_components/api';

export interface ChatModelTestSettings {
  baseUrl?: string;
  model?: string;
  apiKey?: string | null;
  temperature?: number | null;
  maxTokens?: number | null;
}

type Result =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'ok'; text: string; latencyMs: number }
  | { kind: 'failed'; message: string };

interface TestBody {
  ok?: boolean;
  text?: string;
  latencyMs?: number;
  error?: { message?: string };
}

export function ChatModelTest(props: {
  avatarId: string;
  /** The model settings as the form has them now. */
  settings: () => ChatModelTestSettings;
}) {
  const [result, setResult] = useState<Result>({ kind: 'idle' });

  async function run() {
    setResult({ kind: 'testing' });
    try {
      const response = await fetch(
        `/api/v1/avatars/${encodeURIComponent(props.avatarId)}/conversation/test`,
        jsonInit('POST', { llm: props.settings() }),
      );
      const body = (await response.json().catch(() => ({}))) as TestBody;
      if (response.ok && body.ok) {
        setResult({ kind: 'ok', text: body.text ?? '', latencyMs: body.latencyMs ?? 0 });
      } else {
        setResult({
          kind: 'failed',
          message: body.error?.message ?? `The test failed (${response.status}).`,
        });
      }
    } catch {
      setResult({
        kind: 'failed',
        message: 'Could not reach the server. Check your connection and try again.',
      });
    }
  }

  return (
    <div className="model-test">
      <button
        type="button"
        className="secondary"
        onClick={() => void run()}
        disabled={result.kind === 'testing'}
        data-testid="llm-test"
      >
        {result.kind === 'testing' ? 'Testing…' : 'Test'}
      </button>
      <div aria-live="polite" role="status" data-testid="llm-test-result" data-result={result.kind}>
        {result.kind === 'testing' && <p className="muted">Asking the model for one answer…</p>}
        {result.kind === 'ok' && (
          <p className="test-ok">
            <strong>Answered in {(result.latencyMs / 1000).toFixed(2)} s:</strong> “{result.text}”
          </p>
        )}
        {result.kind === 'failed' && <p className="error">{result.message}</p>}
      </div>
    </div>
  );
}
