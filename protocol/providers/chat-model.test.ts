/**
 * A language model is an external paid service, so these tests run against the LOCAL OpenAI
 * stand-in (tests/support/openai-stand-in.ts), which speaks the real streaming chat API on
 * loopback with controllable delays and failures.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../../tests/support/openai-stand-in';
import {
  ChatModelError,
  streamChat,
  testChatModel,
  type ChatMessage,
  type ChatModelSettings,
} from './chat-model';

const API_KEY = 'sk-secret-7f3a9b2c4d';
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are Ada, a friendly guide.' },
  { role: 'user', content: 'What is Facecast?' },
  { role: 'assistant', content: 'A talking avatar.' },
  { role: 'user', content: 'Tell me more.' },
];

let standIn: StandIn;
let settings: ChatModelSettings;

beforeAll(async () => {
  standIn = await startOpenAiStandIn();
  settings = { baseUrl: standIn.url, model: 'stand-in-chat' };
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => standIn.chat.reset());

async function collect(
  iterable: AsyncIterable<string>,
  onDelta?: (delta: string) => void,
): Promise<string[]> {
  const out: string[] = [];
  for await (const delta of iterable) {
    out.push(delta);
    onDelta?.(delta);
  }
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<ChatModelError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatModelError);
  return error as ChatModelError;
}

function chatFailure(overrides: Partial<ChatModelSettings> = {}): Promise<ChatModelError> {
  return failure(() => collect(streamChat({ ...settings, ...overrides }, MESSAGES, {})));
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('streamChat', () => {
  it('streams the deltas in order, the first one long before the answer is finished', async () => {
    const answer = 'One two three. Four five six seven eight.';
    standIn.chat.set({ answer, tokenIntervalMs: 50 });
    let firstDeltaAt: number | undefined;
    const deltas = await collect(streamChat(settings, MESSAGES, {}), () => {
      firstDeltaAt ??= performance.timeOrigin + performance.now();
    });
    expect(deltas.join('')).toBe(answer);
    expect(deltas.length).toBe(8);
    const request = standIn.chat.requests[0]!;
    // Seven more tokens followed at 50 ms intervals after the first was seen.
    expect(request.lastTokenAt! - firstDeltaAt!).toBeGreaterThan(250);
  });

  it('sends the messages, temperature, max_tokens, model and the key as Bearer', async () => {
    await collect(
      streamChat({ ...settings, apiKey: API_KEY, temperature: 0.4, maxTokens: 120 }, MESSAGES, {}),
    );
    const request = standIn.chat.requests[0]!;
    expect(request.body).toMatchObject({
      model: 'stand-in-chat',
      messages: MESSAGES,
      temperature: 0.4,
      max_tokens: 120,
      stream: true,
    });
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('sends a placeholder key and no sampling settings when none are configured', async () => {
    await collect(streamChat(settings, MESSAGES, {}));
    const request = standIn.chat.requests[0]!;
    expect(request.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(request.body).not.toHaveProperty('temperature');
    expect(request.body).not.toHaveProperty('max_tokens');
  });

  it('holds leading whitespace back until text arrives', async () => {
    standIn.chat.set({ answer: '\n\n  Hi there.' });
    const deltas = await collect(streamChat(settings, MESSAGES, {}));
    expect(deltas).toEqual(['\n\n  Hi ', 'there.']);
  });

  it('reports a refused connection as "connection" with a hint', async () => {
    const port = await closedPort();
    const error = await chatFailure({ baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(error.code).toBe('connection');
    expect(error.message).toBe(
      `Could not connect to http://127.0.0.1:${port}/v1: connection refused. Is the model server running?`,
    );
  });

  it('reports an invalid base URL as "connection"', async () => {
    const error = await chatFailure({ baseUrl: 'localhost:11434' });
    expect(error.code).toBe('connection');
    expect(error.message).toContain('not a valid base URL');
  });

  it.each([
    ['http-500', 500, /500 Internal Server Error: the server failed, try again later/],
    ['refuse-401', 401, /401 Unauthorized: check the API key/],
    ['http-429', 429, /429 Too Many Requests: rate limit or quota exceeded/],
  ] as const)('%s → "http" with status %i', async (failureMode, status, message) => {
    standIn.chat.set({ failure: failureMode });
    const error = await chatFailure();
    expect(error.code).toBe('http');
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('a 404 names the model and base URL to check', async () => {
    const error = await chatFailure({ baseUrl: `${standIn.url}/wrong` });
    expect(error).toMatchObject({ code: 'http', status: 404 });
    expect(error.message).toContain('check the model name and base URL');
    expect(error.message).toContain('"stand-in-chat"');
  });

  it('never puts the API key in an error message, even when the server echoes it', async () => {
    const messages: string[] = [];
    for (const failureMode of ['refuse-401', 'http-500', 'malformed', 'empty', 'drop'] as const) {
      standIn.chat.set({ failure: failureMode });
      messages.push((await chatFailure({ apiKey: API_KEY })).message);
    }
    standIn.chat.set({ failure: 'hang' });
    messages.push((await chatFailure({ apiKey: API_KEY, firstTokenTimeoutMs: 100 })).message);
    messages.push(
      (await chatFailure({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:1/v1' })).message,
    );
    // The stand-in's 401 body quotes the Authorization header back.
    expect(messages[0]).toContain('Bearer [redacted]');
    for (const message of messages) expect(message).not.toContain(API_KEY);
  });

  it('a stream the client cannot parse → "malformed"', async () => {
    standIn.chat.set({ failure: 'malformed' });
    const error = await chatFailure();
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/^The model server sent a malformed stream: /);
  });

  it('no text, or only whitespace → "empty"', async () => {
    standIn.chat.set({ failure: 'empty' });
    expect((await chatFailure()).code).toBe('empty');
    standIn.chat.set({ failure: undefined, answer: '  \n ' });
    const error = await chatFailure();
    expect(error.code).toBe('empty');
    expect(error.message).toBe('The model server sent no answer text');
  });

  it('a connection cut mid-answer → "connection"', async () => {
    standIn.chat.set({ failure: 'drop' });
    const error = await chatFailure();
    expect(error.code).toBe('connection');
    expect(error.message).toMatch(/broke mid-answer/);
  });

  it('no first token within firstTokenTimeoutMs → "timeout", and the stream is closed', async () => {
    standIn.chat.set({ failure: 'hang' });
    const startedAt = performance.now();
    const error = await chatFailure({ firstTokenTimeoutMs: 300 });
    expect(error.code).toBe('timeout');
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect((await standIn.chat.waitForClose(0, 1_000)).closedByClient).toBe(true);
  });

  it('silence between tokens over idleTimeoutMs → "timeout"', async () => {
    standIn.chat.set({ tokenIntervalMs: 400 });
    const deltas: string[] = [];
    const error = await failure(() =>
      collect(streamChat({ ...settings, idleTimeoutMs: 150 }, MESSAGES, {}), (d) => deltas.push(d)),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/stopped sending for more than 150 ms/);
    expect(deltas).toEqual(['Hello ']);
  });

  it('aborting mid-stream ends with "aborted" and the server sees the stream closed at once', async () => {
    standIn.chat.set({ tokenIntervalMs: 100 });
    const controller = new AbortController();
    let abortedAt = 0;
    const deltas: string[] = [];
    const error = await failure(() =>
      collect(streamChat(settings, MESSAGES, { signal: controller.signal }), (delta) => {
        deltas.push(delta);
        if (deltas.length === 2) {
          abortedAt = performance.timeOrigin + performance.now();
          controller.abort();
        }
      }),
    );
    expect(error.code).toBe('aborted');
    const request = await standIn.chat.waitForClose(0, 1_000);
    expect(request.closedByClient).toBe(true);
    expect(request.closedAt! - abortedAt).toBeLessThan(200);
  });

  it('aborting while waiting for the first token ends with "aborted" too', async () => {
    standIn.chat.set({ firstTokenDelayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(() =>
      collect(streamChat(settings, MESSAGES, { signal: controller.signal })),
    );
    expect(error.code).toBe('aborted');
    expect((await standIn.chat.waitForClose(0, 1_000)).closedByClient).toBe(true);
  });

  it('an already aborted signal ends with "aborted" before any request', async () => {
    const error = await failure(() =>
      collect(streamChat(settings, MESSAGES, { signal: AbortSignal.abort() })),
    );
    expect(error.code).toBe('aborted');
    expect(standIn.chat.requests).toHaveLength(0);
  });

  it('closes the stream when the caller stops iterating early', async () => {
    standIn.chat.set({ tokenIntervalMs: 100 });
    for await (const _delta of streamChat(settings, MESSAGES, {})) break;
    expect((await standIn.chat.waitForClose(0, 500)).closedByClient).toBe(true);
  });
});

describe('testChatModel', () => {
  it('returns the answer and the latency', async () => {
    standIn.chat.set({ answer: 'I am working.', firstTokenDelayMs: 50 });
    const result = await testChatModel({ ...settings, apiKey: API_KEY }, { prompt: 'Test?' });
    expect(result.text).toBe('I am working.');
    expect(result.latencyMs).toBeGreaterThanOrEqual(45);
    expect(standIn.chat.requests[0]?.body.messages).toEqual([{ role: 'user', content: 'Test?' }]);
  });

  it('throws an actionable ChatModelError', async () => {
    standIn.chat.set({ failure: 'refuse-401' });
    const error = await failure(() => testChatModel({ ...settings, apiKey: API_KEY }));
    expect(error).toMatchObject({ code: 'http', status: 401 });
    expect(error.message).toMatch(/check the API key/);
    expect(error.message).not.toContain(API_KEY);
  });

  it('gives up after timeoutMs with "timeout"', async () => {
    standIn.chat.set({ tokenIntervalMs: 200 });
    const error = await failure(() => testChatModel(settings, { timeoutMs: 300 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/in 300 ms/);
  });
});
