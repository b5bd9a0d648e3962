/**
 * Speech from an OpenAI-compatible `POST /v1/audio/speech` endpoint: OpenAI itself, or a
 * self-hosted server that copies its API. Such servers report no phone timings, so lip-sync
 * has to come from the audio itself (`phones` is always empty).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpeechAudio } from './speech-audio';
import { decodeWavMono } from './wav-mono';

/** OpenAI's limit on `input`, in characters. */
export const MAX_INPUT_CHARS = 4096;
/** OpenAI's `pcm` format is raw 16-bit little-endian mono at 24 kHz. */
export const OPENAI_PCM_RATE_HZ = 24_000;
/** Pause before the single retry after a 5xx or a failed connection (ms). */
const RETRY_DELAY_MS = 300;
/** Longest server error text copied into an error message (characters). */
const MAX_DETAIL_CHARS = 200;

export type SpeechProviderErrorCode =
  'unauthorized' | 'rate_limited' | 'bad_request' | 'unavailable' | 'bad_audio';

/** A speech request that failed; the message is safe to log (it never holds the API key). */
export class SpeechProviderError extends Error {
  override readonly name = 'SpeechProviderError';
  readonly code: SpeechProviderErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** From `Retry-After` on a 429 (seconds), when the server sent one. */
  readonly retryAfterS: number | undefined;

  constructor(
    code: SpeechProviderErrorCode,
    message: string,
    details: { status?: number; retryAfterS?: number } = {},
  ) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.retryAfterS = details.retryAfterS;
  }
}

export interface OpenAiSpeechOptions {
  /** `https://api.openai.com` or `http://localhost:8880/v1`: with or without `/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when given; self-hosted servers often need none. */
  apiKey?: string;
  /** e.g. `gpt-4o-mini-tts`, `tts-1`, or whatever the server names its model. */
  model: string;
  /** e.g. `alloy`. */
  voice: string;
  /** Playback speed, 0.25–4 (1 = normal). */
  speed?: number;
  /** Deadline for one `synthesize` call, retry and format fallback included (ms). */
  timeoutMs?: number;
  /** Rate of the server's `pcm` output (Hz); OpenAI's is 24 kHz. */
  pcmSampleRateHz?: number;
  /** Replaces global `fetch` (tests, proxies). */
  fetchImpl?: typeof fetch;
}

export interface OpenAiSpeech {
  /** Synthesises `text` (1–4096 characters) to mono 16-bit PCM at the server's rate. */
  synthesize(text: string): Promise<SpeechAudio>;
}

type ResponseFormat = 'pcm' | 'wav';

/** `POST {baseUrl}/v1/audio/speech`, whether or not `baseUrl` already ends in `/v1`. */
export function speechEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/audio/speech')) url.pathname = path;
  else if (path.endsWith('/v1')) url.pathname = `${path}/audio/speech`;
  else url.pathname = `${path}/v1/audio/speech`;
  return url.toString();
}

export function createOpenAiSpeech(options: OpenAiSpeechOptions): OpenAiSpeech {
  const {
    apiKey,
    model,
    voice,
    speed = 1,
    timeoutMs = 15_000,
    pcmSampleRateHz = OPENAI_PCM_RATE_HZ,
    fetchImpl = fetch,
  } = options;
  const endpoint = speechEndpoint(options.baseUrl);
  const host = new URL(endpoint).host;
  if (!(speed >= 0.25 && speed <= 4)) throw new RangeError('speed must be between 0.25 and 4');
  // Servers without `pcm` answer 400 (or 422 from FastAPI-based ones) once; after a WAV
  // answer succeeds we stop asking for `pcm`.
  let pcmUnsupported = false;

  /** Removes the key, and anything shaped like an OpenAI key, from text shown to people. */
  function redact(text: string): string {
    const withoutKey = apiKey ? text.split(apiKey).join('[redacted]') : text;
    return withoutKey.replace(/\bsk-[\w*-]+/g, 'sk-[redacted]');
  }

  async function post(input: string, format: ResponseFormat, signal: AbortSignal) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const body = JSON.stringify({ model, input, voice, response_format: format, speed });
    let response: Response;
    try {
      response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal });
    } catch (error) {
      throw networkError(error, signal);
    }
    if (!response.ok) throw await httpError(response);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw networkError(error, signal);
    }
    return decodeBody(bytes, format, response.headers.get('content-type') ?? '');
  }

  /** One request, retried once after a 5xx or a failed connection (not after a timeout). */
  async function postWithRetry(input: string, format: ResponseFormat, signal: AbortSignal) {
    try {
      return await post(input, format, signal);
    } catch (error) {
      if (!(error instanceof SpeechProviderError && error.code === 'unavailable')) throw error;
      if (signal.aborted) throw error;
      try {
        await sleep(RETRY_DELAY_MS, undefined, { signal });
      } catch {
        throw timeoutError();
      }
      return await post(input, format, signal);
    }
  }

  function timeoutError(): SpeechProviderError {
    return new SpeechProviderError(
      'unavailable',
      `speech service at ${host} did not answer within ${timeoutMs} ms`,
    );
  }

  function networkError(error: unknown, signal: AbortSignal): SpeechProviderError {
    if (signal.aborted) return timeoutError();
    // undici reports "fetch failed" with the socket error (ECONNREFUSED, …) as its cause.
    const cause: unknown = error instanceof Error ? (error.cause ?? error) : error;
    const code = (cause as { code?: unknown } | null)?.code;
    const reason =
      typeof code === 'string' ? code : cause instanceof Error ? cause.message : 'unknown error';
    return new SpeechProviderError(
      'unavailable',
      redact(`could not reach speech service at ${host}: ${reason}`),
    );
  }

  async function httpError(response: Response): Promise<SpeechProviderError> {
    const detail = redact(await errorDetail(response));
    const status = response.status;
    const what = `speech service at ${host} answered ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 401 || status === 403)
      return new SpeechProviderError('unauthorized', `API key refused; ${what}`, { status });
    if (status === 429) {
      const retryAfterS = parseRetryAfter(response.headers.get('retry-after'));
      return new SpeechProviderError('rate_limited', `rate limited; ${what}`, {
        status,
        ...(retryAfterS === undefined ? {} : { retryAfterS }),
      });
    }
    if (status >= 500) return new SpeechProviderError('unavailable', what, { status });
    return new SpeechProviderError('bad_request', what, { status });
  }

  function decodeBody(bytes: Uint8Array, format: ResponseFormat, contentType: string) {
    const bad = (why: string) =>
      new SpeechProviderError('bad_audio', `speech service at ${host} sent ${why}`);
    let audio: { pcm: Int16Array; sampleRateHz: number };
    // Some servers ignore `response_format` and always send WAV: recognise it by its header.
    if (format === 'wav' || isRiff(bytes)) {
      try {
        audio = decodeWavMono(bytes);
      } catch (error) {
        throw bad(`undecodable WAV (${(error as Error).message})`);
      }
    } else {
      // Raw PCM has no header to check; a text body is an error page or JSON, not audio.
      if (/json|text|html|xml/i.test(contentType)) throw bad(`${contentType} instead of audio`);
      audio = { pcm: decodePcm16(bytes), sampleRateHz: pcmSampleRateHz };
    }
    if (audio.pcm.length === 0) throw bad('no audio');
    return audio;
  }

  return {
    async synthesize(text) {
      const input = text.trim();
      if (input === '')
        throw new SpeechProviderError('bad_request', 'nothing to say: text is empty');
      const chars = [...input].length;
      if (chars > MAX_INPUT_CHARS)
        throw new SpeechProviderError(
          'bad_request',
          `text is ${chars} characters; the speech API accepts at most ${MAX_INPUT_CHARS}`,
        );
      const signal = AbortSignal.timeout(timeoutMs);
      if (!pcmUnsupported) {
        try {
          return { ...(await postWithRetry(input, 'pcm', signal)), phones: [] };
        } catch (error) {
          const rejectedFormat =
            error instanceof SpeechProviderError && (error.status === 400 || error.status === 422);
          if (!rejectedFormat) throw error;
        }
      }
      const audio = await postWithRetry(input, 'wav', signal);
      pcmUnsupported = true;
      return { ...audio, phones: [] };
    },
  };
}

/** Error text from an OpenAI-style `{ error: { message } }`, a FastAPI `{ detail }`, or plain text. */
async function errorDetail(response: Response): Promise<string> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return '';
  }
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } | string; detail?: unknown };
    const message =
      typeof json.error === 'string' ? json.error : (json.error?.message ?? json.detail);
    if (message !== undefined)
      text = typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    // Not JSON: keep the text.
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL_CHARS ? `${oneLine.slice(0, MAX_DETAIL_CHARS)}…` : oneLine;
}

/** `Retry-After` as seconds (it may be a number of seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

function isRiff(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF';
}

/** Little-endian 16-bit samples; a trailing odd byte is dropped. */
function decodePcm16(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcm = new Int16Array(Math.floor(bytes.byteLength / 2));
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true);
  return pcm;
}
