/**
 * Streaming chat with any OpenAI-compatible `/v1/chat/completions` server (OpenAI, Ollama,
 * vLLM, llama.cpp server, LM Studio) through the `openai` client. Every failure becomes one
 * ChatModelError whose message says what to fix and never holds the API key.
 *
 * In protocol/ because both sides speak it: session processes stream answers with it, and
 * the app's "Test" button makes one real request with it (neither may import the other).
 */
import { STATUS_CODES } from 'node:http';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { refusalIn } from './outbound';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatModelSettings {
  baseUrl: string; // e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1
  model: string;
  apiKey?: string; // absent → send a placeholder (Ollama & co need none)
  temperature?: number; // 0..2
  maxTokens?: number;
  /** No first token within this → ChatModelError('timeout'); default 15_000 */
  firstTokenTimeoutMs?: number;
  /** Silence between tokens longer than this → 'timeout'; default 15_000 */
  idleTimeoutMs?: number;
  /** Replaces global `fetch`: the outbound guard (protocol/providers/outbound.ts). */
  fetch?: typeof fetch;
}

export type ChatModelErrorCode =
  'connection' | 'http' | 'timeout' | 'malformed' | 'empty' | 'aborted';

/** A failed chat request; the message is meant for the user and never holds the API key. */
export class ChatModelError extends Error {
  override readonly name = 'ChatModelError';
  readonly code: ChatModelErrorCode;
  /** HTTP status, when the server answered with one. */
  readonly status?: number;

  constructor(code: ChatModelErrorCode, message: string, status?: number) {
    super(message);
    this.code = code;
    if (status !== undefined) this.status = status;
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Sent when no key is configured: the client insists on one, local servers ignore it. */
const PLACEHOLDER_KEY = 'no-key';
/** Longest server error text copied into a message, in characters. */
const MAX_DETAIL_CHARS = 200;

/** Codes of the underlying socket error, as words a user understands. */
const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused. Is the model server running?',
  ENOTFOUND: 'host not found. Check the base URL.',
  EAI_AGAIN: 'host name lookup failed. Check the base URL and the network.',
  ECONNRESET: 'the connection was reset by the server.',
  ETIMEDOUT: 'the connection timed out. Check the base URL and the network.',
  EHOSTUNREACH: 'host unreachable. Check the base URL and the network.',
  UND_ERR_SOCKET: 'the connection closed unexpectedly.',
};

const HTTP_HINTS: Record<number, string> = {
  400: 'the server rejected the request, check the model name and settings',
  401: 'check the API key',
  403: 'the API key has no access to this model',
  404: 'check the model name and base URL',
  429: 'rate limit or quota exceeded, wait or check the plan and billing',
};

/** Removes the key, and any bearer token, from text that came from the server. */
function redact(text: string, apiKey: string | undefined): string {
  let out = text.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[redacted]');
  return out.length > MAX_DETAIL_CHARS ? `${out.slice(0, MAX_DETAIL_CHARS)}…` : out;
}

/** The first `code` on the error's cause chain (undici nests the socket error). */
function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The `error.message` of an OpenAI-style error body, else the body as JSON. */
function serverDetail(body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  return body ? JSON.stringify(body) : '';
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

interface StreamState {
  timedOut?: 'first' | 'idle';
  sawToken: boolean;
}

function toChatModelError(
  error: unknown,
  settings: ChatModelSettings,
  signal: AbortSignal | undefined,
  state: StreamState,
): ChatModelError {
  if (error instanceof ChatModelError) return error;
  const fail = (code: ChatModelErrorCode, message: string, status?: number): ChatModelError =>
    new ChatModelError(code, message, status);
  const where = settings.baseUrl;
  const key = settings.apiKey;
  if (state.timedOut === 'first') {
    const ms = settings.firstTokenTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return fail('timeout', `No answer from the model server at ${where} within ${ms} ms`);
  }
  if (state.timedOut === 'idle') {
    const ms = settings.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return fail('timeout', `The model server stopped sending for more than ${ms} ms mid-answer`);
  }
  if (signal?.aborted || error instanceof APIUserAbortError) {
    return fail('aborted', 'The request to the model server was aborted');
  }
  if (error instanceof APIConnectionTimeoutError) {
    return fail('timeout', `The model server at ${where} did not answer in time`);
  }
  if (error instanceof APIError && !(error instanceof APIConnectionError)) {
    const detail = redact(serverDetail(error.error as unknown), key);
    const said = detail ? `. Server said: ${detail}` : '';
    const status = error.status as number | undefined;
    // No status: an `error` object sent inside the stream.
    if (status === undefined) return fail('http', `The model server failed mid-answer${said}`);
    const hint = HTTP_HINTS[status] ?? (status >= 500 ? 'the server failed, try again later' : '');
    const model = status === 403 || status === 404 ? ` (model "${settings.model}", ${where})` : '';
    const head = `The model server answered ${status} ${STATUS_CODES[status] ?? ''}`.trim();
    return fail('http', `${head}${hint ? `: ${hint}` : ''}${model}${said}`, status);
  }
  if (error instanceof SyntaxError) {
    return fail(
      'malformed',
      `The model server sent a malformed stream: ${redact(error.message, key)}`,
    );
  }
  const refused = refusalIn(error);
  if (refused) return fail('connection', `Not sent to ${where}: ${refused.message}`);
  const code = causeCode(error);
  const reason = (code && CONNECTION_REASONS[code]) ?? (code ? `${code}.` : 'connection error.');
  return state.sawToken
    ? fail('connection', `The connection to ${where} broke mid-answer: ${reason}`)
    : fail('connection', `Could not connect to ${where}: ${reason}`);
}

/**
 * Streams the answer's text deltas as they arrive. Aborting `signal` closes the HTTP stream at
 * once and ends the iteration with ChatModelError('aborted'). Leading whitespace-only deltas
 * are held back until text arrives; a whitespace-only answer throws ChatModelError('empty').
 */
export async function* streamChat(
  settings: ChatModelSettings,
  messages: ChatMessage[],
  options: { signal?: AbortSignal },
): AsyncIterable<string> {
  const { signal } = options;
  const firstTokenTimeoutMs = settings.firstTokenTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const state: StreamState = { sawToken: false };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, kind: 'first' | 'idle'): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.timedOut = kind;
      controller.abort();
    }, ms);
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    if (!isHttpUrl(settings.baseUrl)) {
      throw new ChatModelError(
        'connection',
        `"${settings.baseUrl}" is not a valid base URL, e.g. http://127.0.0.1:11434/v1`,
      );
    }
    arm(firstTokenTimeoutMs, 'first');
    const client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey || PLACEHOLDER_KEY,
      maxRetries: 0,
      timeout: firstTokenTimeoutMs,
      logLevel: 'off',
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
    const stream = await client.chat.completions.create(
      {
        model: settings.model,
        messages,
        stream: true,
        ...(settings.temperature !== undefined && { temperature: settings.temperature }),
        ...(settings.maxTokens !== undefined && { max_tokens: settings.maxTokens }),
      },
      { signal: controller.signal },
    );
    let pending = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? '';
      if (!state.sawToken && delta.trim() === '') {
        pending += delta;
        continue;
      }
      if (delta === '') {
        arm(idleTimeoutMs, 'idle');
        continue;
      }
      state.sawToken = true;
      // The timer only counts the server's silence, not the time the caller takes.
      clearTimeout(timer);
      yield pending + delta;
      pending = '';
      arm(idleTimeoutMs, 'idle');
    }
    // The client ends an aborted stream quietly instead of throwing.
    if (controller.signal.aborted) throw new Error('aborted');
    if (!state.sawToken) throw new ChatModelError('empty', 'The model server sent no answer text');
  } catch (error) {
    throw toChatModelError(error, settings, signal, state);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
    // Also closes the stream when the caller stops iterating early.
    controller.abort();
  }
}

/**
 * One short request for a settings "Test" button: resolves with the answer text and the
 * latency (ms, request to last token), or throws ChatModelError with a message a user can act
 * on. `timeoutMs` (default 20_000) bounds the whole request.
 */
export async function testChatModel(
  settings: ChatModelSettings,
  options: { prompt?: string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{ text: string; latencyMs: number }> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const startedAt = performance.now();
  const prompt = options.prompt ?? 'Reply with one short sentence to confirm you are working.';
  let text = '';
  try {
    const capped = { ...settings, maxTokens: settings.maxTokens ?? 64 };
    for await (const delta of streamChat(capped, [{ role: 'user', content: prompt }], { signal })) {
      text += delta;
    }
  } catch (error) {
    if (deadline.aborted && error instanceof ChatModelError && error.code === 'aborted') {
      throw new ChatModelError(
        'timeout',
        `No whole answer from ${settings.baseUrl} in ${timeoutMs} ms`,
      );
    }
    throw error;
  }
  return { text: text.trim(), latencyMs: performance.now() - startedAt };
}
