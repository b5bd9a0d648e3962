/**
 * A STAND-IN FOR TESTS: a local node:http server on loopback that speaks the OpenAI HTTP API
 * (`POST /v1/chat/completions` streamed or not, `POST /v1/audio/transcriptions`,
 * `GET /v1/models`), so unit tests, integration tests, e2e and benchmarks never call a real
 * paid provider. Answers, delays, token rates and failures are set at run time; every request
 * is recorded with its timing, including whether the client closed the stream early.
 *
 * Times are epoch milliseconds with sub-millisecond precision (`performance.timeOrigin +
 * performance.now()`), comparable with `Date.now()` and across processes on one machine.
 *
 * Command line: `npx tsx tests/support/openai-stand-in.ts --port 8089 [--answer "..."]
 * [--first-token-ms 200] [--token-ms 20] [--transcript "..."] [--transcript-ms 100]`.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_ANSWER = 'Hello there. This is the stand-in model answering.';
export const DEFAULT_TRANSCRIPT = 'What can you tell me about Facecast?';
export const DEFAULT_MODELS = ['stand-in-chat', 'stand-in-whisper'];
/** Larger request bodies are refused with 413, in bytes. */
export const MAX_BODY_BYTES = 30 * 1024 * 1024;

export type ChatFailure =
  'refuse-401' | 'http-500' | 'http-429' | 'malformed' | 'empty' | 'hang' | 'drop';
export type TranscriptionFailure = 'http-500' | 'refuse-401' | 'hang' | 'malformed';

export interface ChatRequestRecord {
  /** The parsed JSON body: model, messages, temperature, max_tokens, stream… */
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    temperature?: number;
    max_tokens?: number;
    stream?: boolean;
    [key: string]: unknown;
  };
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
  firstTokenAt?: number;
  /** When the token that ends the first sentence (with . ! or ?) was written. */
  firstSentenceAt?: number;
  lastTokenAt?: number;
  /** The whole answer was sent (`[DONE]` for a stream). */
  finished: boolean;
  /** The client closed the connection before the answer finished. */
  closedByClient: boolean;
  closedAt?: number;
}

export interface ChatBehaviour {
  answer?: string | ((request: ChatRequestRecord) => string);
  /** Before the first content token, ms. */
  firstTokenDelayMs?: number;
  /** Between content tokens, ms. */
  tokenIntervalMs?: number;
  /** Fixed-size tokens; by default each token is a word and its following whitespace. */
  charsPerToken?: number;
  failure?: ChatFailure;
}

export interface TranscriptionRecord {
  filename: string;
  contentType: string;
  bytes: number;
  model: string | undefined;
  language: string | undefined;
  responseFormat: string | undefined;
  /** Audio length from the WAV header, when the file is a WAV. */
  durationMs?: number;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
}

export interface TranscriptionBehaviour {
  text?: string | ((request: TranscriptionRecord) => string);
  /** Before answering, ms. */
  delayMs?: number;
  failure?: TranscriptionFailure;
}

/** Payload of every event: which request (index into `requests`) and when. */
export interface StandInEvent {
  index: number;
  at: number;
}
type EventMap = Record<
  | 'chat.request'
  | 'chat.firstToken'
  | 'chat.sentenceComplete'
  | 'chat.finished'
  | 'chat.closed'
  | 'transcription.request',
  [StandInEvent]
>;

export interface StandIn {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  events: EventEmitter<EventMap>;
  chat: {
    /** Merges into the current behaviour; a key set to undefined returns to its default. */
    set(behaviour: ChatBehaviour): void;
    /** Default behaviour and no recorded requests. */
    reset(): void;
    readonly requests: ChatRequestRecord[];
    /** Resolves with the n-th request (1-based) once it has arrived. */
    waitForRequest(n?: number, timeoutMs?: number): Promise<ChatRequestRecord>;
    /** Resolves once the connection of request `index` (0-based) has closed. */
    waitForClose(index: number, timeoutMs?: number): Promise<ChatRequestRecord>;
  };
  transcription: {
    set(behaviour: TranscriptionBehaviour): void;
    reset(): void;
    readonly requests: TranscriptionRecord[];
    waitForRequest(n?: number, timeoutMs?: number): Promise<TranscriptionRecord>;
  };
  close(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const FAILURE_STATUS: Record<string, { status: number; type: string; code: string }> = {
  'refuse-401': { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  'http-500': { status: 500, type: 'server_error', code: 'internal_error' },
  'http-429': { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string,
): void {
  sendJson(res, status, { error: { message, type, code } });
}

/** A status failure's error; a 401 echoes the Authorization header, as some servers do. */
function sendFailure(res: http.ServerResponse, failure: string, req: http.IncomingMessage): void {
  const spec = FAILURE_STATUS[failure];
  if (!spec) return;
  const message =
    spec.status === 401
      ? `Incorrect API key provided: ${req.headers.authorization ?? '(none)'}`
      : `Stand-in failure ${failure}`;
  sendError(res, spec.status, message, spec.type, spec.code);
}

export function splitTokens(answer: string, charsPerToken?: number): string[] {
  if (charsPerToken && charsPerToken > 0) {
    const out: string[] = [];
    for (let i = 0; i < answer.length; i += charsPerToken)
      out.push(answer.slice(i, i + charsPerToken));
    return out;
  }
  const words: string[] = answer.match(/\S+\s*/g) ?? [];
  const lead = /^\s+/.exec(answer)?.[0] ?? '';
  if (lead !== '') {
    if (words.length > 0) words[0] = lead + words[0];
    else words.push(lead);
  }
  return words;
}

/** Audio length of a PCM WAV from its header, ms; undefined when it is not one. */
export function wavDurationMs(bytes: Uint8Array): number | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buf.length < 12 ||
    buf.toString('ascii', 0, 4) !== 'RIFF' ||
    buf.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return undefined;
  }
  let channels = 0;
  let rateHz = 0;
  let bitsPerSample = 0;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= buf.length) {
      channels = buf.readUInt16LE(at + 10);
      rateHz = buf.readUInt32LE(at + 12);
      bitsPerSample = buf.readUInt16LE(at + 22);
    } else if (id === 'data') {
      // Streamed WAVs may leave the size unset (0 or 0xFFFFFFFF): count what is there.
      const available = buf.length - (at + 8);
      const dataBytes = size === 0 || size > available ? available : size;
      const bytesPerSecond = rateHz * channels * (bitsPerSample / 8);
      return bytesPerSecond > 0 ? (dataBytes / bytesPerSecond) * 1000 : undefined;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      // Keep draining so the client can read the 413, but stop keeping the bytes.
      if (total <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(total > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function waitFor<T>(
  events: EventEmitter<EventMap>,
  event: keyof EventMap,
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = check();
    if (done !== undefined) return resolve(done);
    const onEvent = (): void => {
      const value = check();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`stand-in: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      events.off(event, onEvent);
    };
    events.on(event, onEvent);
  });
}

export async function startOpenAiStandIn(
  options: { port?: number; host?: string; models?: string[] } = {},
): Promise<StandIn> {
  const host = options.host ?? '127.0.0.1';
  const models = options.models ?? DEFAULT_MODELS;
  const events = new EventEmitter<EventMap>();
  const chatRequests: ChatRequestRecord[] = [];
  const transcriptionRequests: TranscriptionRecord[] = [];
  let chat: ChatBehaviour = {};
  let transcription: TranscriptionBehaviour = {};

  async function handleChat(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    let body: ChatRequestRecord['body'];
    try {
      body = JSON.parse(raw.toString('utf8')) as ChatRequestRecord['body'];
    } catch {
      return sendError(
        res,
        400,
        'The request body is not valid JSON',
        'invalid_request_error',
        'invalid_json',
      );
    }
    const record: ChatRequestRecord = {
      body,
      headers: req.headers,
      receivedAt: now(),
      finished: false,
      closedByClient: false,
    };
    const index = chatRequests.push(record) - 1;
    const behaviour = chat;
    let closed = false;
    let dropped = false;
    res.on('close', () => {
      closed = true;
      record.closedAt = now();
      if (!record.finished && !dropped) record.closedByClient = true;
      events.emit('chat.closed', { index, at: record.closedAt });
    });
    events.emit('chat.request', { index, at: record.receivedAt });

    const failure = behaviour.failure;
    if (failure && FAILURE_STATUS[failure]) {
      record.finished = true;
      return sendFailure(res, failure, req);
    }
    if (failure === 'hang') {
      res.writeHead(200, {
        'content-type': body.stream ? 'text/event-stream' : 'application/json',
      });
      res.flushHeaders();
      return; // Nothing more, until the client gives up.
    }
    const answer =
      failure === 'empty'
        ? ''
        : typeof behaviour.answer === 'function'
          ? behaviour.answer(record)
          : (behaviour.answer ?? DEFAULT_ANSWER);
    const id = `chatcmpl-standin-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? models[0] ?? 'stand-in-chat';

    if (!body.stream) {
      await sleep(behaviour.firstTokenDelayMs ?? 0);
      if (closed) return;
      record.firstTokenAt = record.lastTokenAt = now();
      record.finished = true;
      if (failure === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{not json');
        return;
      }
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      });
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (delta: Record<string, string>, finishReason: string | null = null): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    if (failure === 'malformed') {
      res.write('data: {not json\n\n');
      res.write('data: {"choices": [{"delta": {"content": \n\n');
      res.end('data: [DONE]\n\n');
      record.finished = true;
      return;
    }
    const tokens = splitTokens(answer, behaviour.charsPerToken);
    for (const [i, token] of tokens.entries()) {
      await sleep(i === 0 ? (behaviour.firstTokenDelayMs ?? 0) : (behaviour.tokenIntervalMs ?? 0));
      if (closed) return;
      if (failure === 'drop' && i === 2) {
        dropped = true;
        res.socket?.destroy();
        return;
      }
      res.write(chunk({ content: token }));
      const at = now();
      record.lastTokenAt = at;
      if (record.firstTokenAt === undefined) {
        record.firstTokenAt = at;
        events.emit('chat.firstToken', { index, at });
      }
      if (record.firstSentenceAt === undefined && /[.!?…]["')\]*_`]*\s*$/.test(token)) {
        record.firstSentenceAt = at;
        events.emit('chat.sentenceComplete', { index, at });
      }
    }
    if (failure === 'drop') {
      dropped = true;
      res.socket?.destroy();
      return;
    }
    record.finished = true;
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
    events.emit('chat.finished', { index, at: now() });
  }

  async function handleTranscription(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    let form: FormData;
    try {
      const headers = { 'content-type': req.headers['content-type'] ?? '' };
      form = await new Request('http://stand-in/', {
        method: 'POST',
        headers,
        body: new Uint8Array(raw),
      }).formData();
    } catch {
      return sendError(
        res,
        400,
        'Expected a multipart/form-data body',
        'invalid_request_error',
        'invalid_body',
      );
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) {
      return sendError(
        res,
        400,
        "Missing the 'file' field",
        'invalid_request_error',
        'missing_file',
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const field = (name: string): string | undefined => {
      const value = form.get(name);
      return typeof value === 'string' ? value : undefined;
    };
    const record: TranscriptionRecord = {
      filename: file instanceof File ? file.name : 'blob',
      contentType: file.type,
      bytes: bytes.length,
      model: field('model'),
      language: field('language'),
      responseFormat: field('response_format'),
      durationMs: wavDurationMs(bytes),
      headers: req.headers,
      receivedAt: now(),
    };
    const index = transcriptionRequests.push(record) - 1;
    events.emit('transcription.request', { index, at: record.receivedAt });
    const behaviour = transcription;
    if (behaviour.failure && FAILURE_STATUS[behaviour.failure])
      return sendFailure(res, behaviour.failure, req);
    if (behaviour.failure === 'hang') return; // Never answers; the client must time out.
    await sleep(behaviour.delayMs ?? 0);
    if (res.destroyed) return;
    if (behaviour.failure === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{not json');
      return;
    }
    const text =
      typeof behaviour.text === 'function'
        ? behaviour.text(record)
        : (behaviour.text ?? DEFAULT_TRANSCRIPT);
    if (record.responseFormat === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    } else if (record.responseFormat === 'verbose_json') {
      const duration = (record.durationMs ?? 0) / 1000;
      sendJson(res, 200, {
        task: 'transcribe',
        language: record.language ?? 'english',
        duration,
        text,
        segments: [{ id: 0, start: 0, end: duration, text }],
      });
    } else {
      sendJson(res, 200, { text });
    }
  }

  const server = http.createServer((req, res) => {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://stand-in').pathname}`;
    void (async () => {
      if (route === 'GET /v1/models') {
        return sendJson(res, 200, {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'stand-in' })),
        });
      }
      const handler =
        route === 'POST /v1/chat/completions'
          ? handleChat
          : route === 'POST /v1/audio/transcriptions'
            ? handleTranscription
            : undefined;
      if (!handler) {
        req.resume();
        return sendError(res, 404, `Unknown route ${route}`, 'invalid_request_error', 'not_found');
      }
      const raw = await readBody(req);
      if (raw === 'too-large') {
        return sendError(
          res,
          413,
          `Request body over ${MAX_BODY_BYTES} bytes`,
          'invalid_request_error',
          'too_large',
        );
      }
      await handler(req, res, raw);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, String(error), 'server_error', 'stand_in_bug');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    events,
    chat: {
      set: (behaviour) => void (chat = { ...chat, ...behaviour }),
      reset: () => {
        chat = {};
        chatRequests.length = 0;
      },
      requests: chatRequests,
      waitForRequest: (n = 1, timeoutMs = 5_000) =>
        waitFor(events, 'chat.request', () => chatRequests[n - 1], timeoutMs, `chat request #${n}`),
      waitForClose: (index, timeoutMs = 5_000) =>
        waitFor(
          events,
          'chat.closed',
          () => {
            const record = chatRequests[index];
            return record?.closedAt !== undefined ? record : undefined;
          },
          timeoutMs,
          `chat request ${index} to close`,
        ),
    },
    transcription: {
      set: (behaviour) => void (transcription = { ...transcription, ...behaviour }),
      reset: () => {
        transcription = {};
        transcriptionRequests.length = 0;
      },
      requests: transcriptionRequests,
      waitForRequest: (n = 1, timeoutMs = 5_000) =>
        waitFor(
          events,
          'transcription.request',
          () => transcriptionRequests[n - 1],
          timeoutMs,
          `transcription request #${n}`,
        ),
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hanging streams and keep-alive sockets would hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8089' },
      host: { type: 'string', default: '127.0.0.1' },
      answer: { type: 'string' },
      'first-token-ms': { type: 'string' },
      'token-ms': { type: 'string' },
      transcript: { type: 'string' },
      'transcript-ms': { type: 'string' },
    },
  });
  const number = (value: string | undefined): number | undefined =>
    value === undefined ? undefined : Number(value);
  const standIn = await startOpenAiStandIn({ port: Number(values.port), host: values.host });
  standIn.chat.set({
    answer: values.answer,
    firstTokenDelayMs: number(values['first-token-ms']),
    tokenIntervalMs: number(values['token-ms']),
  });
  standIn.transcription.set({ text: values.transcript, delayMs: number(values['transcript-ms']) });
  console.log(`OpenAI stand-in (for tests, not a real model) listening at ${standIn.url}`);
  const stop = (): void => void standIn.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
