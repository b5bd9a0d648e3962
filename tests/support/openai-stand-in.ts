/**
 * A STAND-IN FOR TESTS: a local node:http server on loopback that speaks the OpenAI HTTP API
 * (`POST /v1/chat/completions` streamed or not, `POST /v1/audio/transcriptions`,
 * `POST /v1/audio/speech` with Flite's speech, `GET /v1/models`), so unit tests, integration
 * tests, e2e and benchmarks never call a real paid provider. Answers, delays, token rates and
 * failures are set at run time; every request is recorded with its timing, including whether
 * the client closed the stream early. A test in another process reads the records with
 * `GET /stand-in/requests` (not an OpenAI route).
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
import { createChatRoute, type ChatControl, type ChatRequestRecord } from './openai-stand-in-chat';
import {
  MAX_BODY_BYTES,
  readBody,
  sendError,
  sendJson,
  type StandInEventMap,
} from './openai-stand-in-http';
import { createSpeechRoute, type SpeechControl, type SpeechRecord } from './openai-stand-in-speech';
import {
  createTranscriptionRoute,
  type TranscriptionControl,
  type TranscriptionRecord,
} from './openai-stand-in-transcription';

export * from './openai-stand-in-chat';
export * from './openai-stand-in-speech';
export * from './openai-stand-in-transcription';
export { MAX_BODY_BYTES, type StandInEvent, type StandInEventMap } from './openai-stand-in-http';

export const DEFAULT_MODELS = ['stand-in-chat', 'stand-in-whisper'];

export interface StandIn {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  events: EventEmitter<StandInEventMap>;
  chat: ChatControl;
  transcription: TranscriptionControl;
  speech: SpeechControl;
  close(): Promise<void>;
}

/**
 * `GET /stand-in/requests`: what every route has recorded, for a test in another process (the
 * request headers are left out; `authorized` says whether a bearer key was sent).
 */
export interface RecordedRequests {
  chat: Array<Omit<ChatRequestRecord, 'headers'> & { authorized: boolean }>;
  transcription: Array<Omit<TranscriptionRecord, 'headers'> & { authorized: boolean }>;
  speech: Array<Omit<SpeechRecord, 'headers'> & { authorized: boolean }>;
}

function withoutHeaders<T extends { headers: http.IncomingHttpHeaders }>(
  record: T,
): Omit<T, 'headers'> & { authorized: boolean } {
  const { headers, ...rest } = record;
  return { ...rest, authorized: /^Bearer \S+/.test(headers.authorization ?? '') };
}

export async function startOpenAiStandIn(
  options: { port?: number; host?: string; models?: string[] } = {},
): Promise<StandIn> {
  const host = options.host ?? '127.0.0.1';
  const models = options.models ?? DEFAULT_MODELS;
  const events = new EventEmitter<StandInEventMap>();
  const chat = createChatRoute(events, models);
  const transcription = createTranscriptionRoute(events);
  const speech = createSpeechRoute(events);

  const server = http.createServer((req, res) => {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://stand-in').pathname}`;
    void (async () => {
      if (route === 'GET /v1/models') {
        return sendJson(res, 200, {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'stand-in' })),
        });
      }
      if (route === 'GET /stand-in/requests') {
        const recorded: RecordedRequests = {
          chat: chat.control.requests.map(withoutHeaders),
          transcription: transcription.control.requests.map(withoutHeaders),
          speech: speech.control.requests.map(withoutHeaders),
        };
        return sendJson(res, 200, recorded);
      }
      const handler =
        route === 'POST /v1/chat/completions'
          ? chat.handle
          : route === 'POST /v1/audio/transcriptions'
            ? transcription.handle
            : route === 'POST /v1/audio/speech'
              ? speech.handle
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
    chat: chat.control,
    transcription: transcription.control,
    speech: speech.control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        speech.close();
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
