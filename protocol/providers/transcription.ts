/**
 * Speech to text through any OpenAI-compatible `/v1/audio/transcriptions` server (OpenAI,
 * faster-whisper servers, whisper.cpp server) with the `openai` client. Failures become one
 * TranscriptionError whose message says what happened and never holds the API key.
 */
import OpenAI, { APIConnectionError, APIError, toFile } from 'openai';
import { refusalIn } from './outbound';

export interface TranscriptionServiceSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** ISO-639-1 code; absent: the service detects the language. */
  language?: string;
  /** Whole request, ms (default 20 000). */
  timeoutMs?: number;
  /** Replaces global `fetch`: the outbound guard (protocol/providers/outbound.ts). */
  fetch?: typeof fetch;
}

export class TranscriptionError extends Error {
  override readonly name = 'TranscriptionError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Sends one WAV file; resolves with the text (trimmed; '' when nothing was understood). */
export async function transcribeWav(
  settings: TranscriptionServiceSettings,
  wav: Uint8Array,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const client = new OpenAI({
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey ?? 'no-key',
    maxRetries: 0,
    timeout: settings.timeoutMs ?? 20_000,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  try {
    const result = await client.audio.transcriptions.create(
      {
        file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }),
        model: settings.model,
        ...(settings.language ? { language: settings.language } : {}),
      },
      options.signal ? { signal: options.signal } : {},
    );
    return (typeof result === 'string' ? result : result.text).trim();
  } catch (error) {
    const key = settings.apiKey;
    const clean = (text: string) =>
      (key && key.length >= 4 ? text.split(key).join('[redacted]') : text)
        .replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
        .slice(0, 200);
    const status: unknown = error instanceof APIError ? error.status : undefined;
    if (!(error instanceof APIConnectionError) && typeof status === 'number') {
      throw new TranscriptionError(
        `The transcription server at ${settings.baseUrl} answered ${status}: ${clean((error as Error).message)}`,
        status,
      );
    }
    const refused = refusalIn(error);
    if (refused)
      throw new TranscriptionError(`Not sent to ${settings.baseUrl}: ${refused.message}`);
    const reason = error instanceof Error ? clean(error.message) : 'unknown error';
    throw new TranscriptionError(
      `Could not transcribe through ${settings.baseUrl}: ${reason}. Is the transcription server running?`,
    );
  }
}
