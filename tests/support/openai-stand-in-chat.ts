/**
 * The OpenAI stand-in's `POST /v1/chat/completions` (tests only): streamed answers in the real
 * chunk format, or one `chat.completion`, paced and failing as set.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import {
  FAILURE_STATUS,
  now,
  parseJsonBody,
  sendFailure,
  sendJson,
  sleep,
  waitFor,
  type RouteHandler,
  type StandInEventMap,
} from './openai-stand-in-http';

export const DEFAULT_ANSWER = 'Hello there. This is the stand-in model answering.';

export type ChatFailure =
  'refuse-401' | 'http-500' | 'http-429' | 'malformed' | 'empty' | 'hang' | 'drop';

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

export interface ChatControl {
  /** Merges into the current behaviour; a key set to undefined returns to its default. */
  set(behaviour: ChatBehaviour): void;
  /** Default behaviour and no recorded requests. */
  reset(): void;
  readonly requests: ChatRequestRecord[];
  /** Resolves with the n-th request (1-based) once it has arrived. */
  waitForRequest(n?: number, timeoutMs?: number): Promise<ChatRequestRecord>;
  /** Resolves once the connection of request `index` (0-based) has closed. */
  waitForClose(index: number, timeoutMs?: number): Promise<ChatRequestRecord>;
}

/** The answer as streamed tokens: fixed-size, or words with their following whitespace. */
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

export function createChatRoute(
  events: EventEmitter<StandInEventMap>,
  models: string[],
): { handle: RouteHandler; control: ChatControl } {
  const chatRequests: ChatRequestRecord[] = [];
  let chat: ChatBehaviour = {};

  async function handleChat(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: Buffer,
  ): Promise<void> {
    const body = parseJsonBody<ChatRequestRecord['body']>(res, raw);
    if (body === undefined) return;
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

  const control: ChatControl = {
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
  };
  return { handle: handleChat, control };
}
