/**
 * Tests of the local OpenAI stand-in (a test helper, not a real model), mostly through the
 * official `openai` client so its wire format is proven compatible.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER, startOpenAiStandIn, wavDurationMs, type StandIn } from './openai-stand-in';

const API_KEY = 'sk-stand-in-test-9d3f';

/** 16-bit PCM WAV of silence. */
function wav(durationMs: number, rateHz = 16_000, channels = 1): Buffer {
  const data = Math.round((durationMs / 1000) * rateHz) * channels * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(rateHz, 24);
  buf.writeUInt32LE(rateHz * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(data, 40);
  return buf;
}

let standIn: StandIn;
let client: OpenAI;

beforeAll(async () => {
  standIn = await startOpenAiStandIn();
  client = new OpenAI({ baseURL: standIn.url, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.chat.reset();
  standIn.transcription.reset();
});

describe('chat completions', () => {
  it('streams the answer in OpenAI chunks, word by word, and records the request', async () => {
    const stream = await client.chat.completions.create({
      model: 'stand-in-chat',
      messages: [
        { role: 'system', content: 'You are a test.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.3,
      max_tokens: 40,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.object).toBe('chat.completion.chunk');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').filter(Boolean);
    expect(deltas.join('')).toBe(DEFAULT_ANSWER);
    expect(deltas[0]).toBe('Hello ');
    const request = standIn.chat.requests[0];
    expect(request?.body).toMatchObject({ temperature: 0.3, max_tokens: 40, stream: true });
    expect(request?.body.messages?.[0]).toEqual({ role: 'system', content: 'You are a test.' });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    await standIn.chat.waitForClose(0);
    expect(request).toMatchObject({ finished: true, closedByClient: false });
  });

  it('answers non-streamed requests with a chat.completion', async () => {
    standIn.chat.set({
      answer: (request) => `You said ${request.body.messages?.at(-1)?.content}.`,
    });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('You said ping.');
  });

  it('paces tokens and reports the first token and the end of the first sentence', async () => {
    standIn.chat.set({
      answer: 'One two. Three four five.',
      firstTokenDelayMs: 100,
      tokenIntervalMs: 40,
    });
    const sentence = new Promise<number>((resolve) =>
      standIn.events.once('chat.sentenceComplete', ({ at }) => resolve(at)),
    );
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    const request = standIn.chat.requests[0]!;
    expect(request.firstTokenAt! - request.receivedAt).toBeGreaterThanOrEqual(95);
    expect(request.lastTokenAt! - request.firstTokenAt!).toBeGreaterThanOrEqual(4 * 40 - 10);
    // "two. " is the second token.
    expect(await sentence).toBe(request.firstSentenceAt);
    expect(request.firstSentenceAt! - request.firstTokenAt!).toBeGreaterThanOrEqual(35);
    expect(request.firstSentenceAt!).toBeLessThan(request.lastTokenAt!);
  });

  it('splits into fixed-size tokens when asked', async () => {
    standIn.chat.set({ answer: 'abcdefg', charsPerToken: 3 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.filter(Boolean)).toEqual(['abc', 'def', 'g']);
  });

  it('records a client that aborts mid-stream as closedByClient', async () => {
    standIn.chat.set({ tokenIntervalMs: 100 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages: [], stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // break aborts the request
    }
    const request = await standIn.chat.waitForClose(0, 1_000);
    expect(request).toMatchObject({ finished: false, closedByClient: true });
  });

  it.each([
    ['refuse-401', 401],
    ['http-500', 500],
    ['http-429', 429],
  ] as const)('%s answers %i with an OpenAI error body', async (failure, status) => {
    standIn.chat.set({ failure });
    const error = await client.chat.completions
      .create({ model: 'm', messages: [], stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    const body = (error as InstanceType<typeof OpenAI.APIError>).error as Record<string, unknown>;
    for (const field of ['message', 'type', 'code']) expect(typeof body[field]).toBe('string');
  });

  it('malformed streams garbage the client cannot parse', async () => {
    standIn.chat.set({ failure: 'malformed' });
    const quiet = new OpenAI({
      baseURL: standIn.url,
      apiKey: API_KEY,
      maxRetries: 0,
      logLevel: 'off',
    });
    const stream = await quiet.chat.completions.create({ model: 'm', messages: [], stream: true });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toBeInstanceOf(SyntaxError);
  });

  it('empty streams a role chunk and [DONE] with no content', async () => {
    standIn.chat.set({ failure: 'empty' });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('');
    expect(standIn.chat.requests[0]?.finished).toBe(true);
  });

  it('hang sends headers and then nothing until the client gives up', async () => {
    standIn.chat.set({ failure: 'hang' });
    const stream = await client.chat.completions.create(
      { model: 'm', messages: [], stream: true },
      { signal: AbortSignal.timeout(300) },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk); // ends quietly on abort
    expect(chunks).toEqual([]);
    const request = await standIn.chat.waitForClose(0, 1_000);
    expect(request.closedByClient).toBe(true);
    expect(request.closedAt! - request.receivedAt).toBeGreaterThanOrEqual(250);
  });

  it('drop sends a couple of tokens and then cuts the connection', async () => {
    standIn.chat.set({ failure: 'drop' });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('Hello there. ');
    expect(standIn.chat.requests[0]).toMatchObject({ finished: false, closedByClient: false });
  });
});

describe('audio transcriptions', () => {
  it('parses the multipart upload, measures a WAV and answers json', async () => {
    standIn.transcription.set({ text: 'How are you?' });
    const result = await client.audio.transcriptions.create({
      file: await toFile(wav(1500), 'question.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
      language: 'en',
    });
    expect(result.text).toBe('How are you?');
    const request = standIn.transcription.requests[0];
    expect(request).toMatchObject({
      filename: 'question.wav',
      contentType: 'audio/wav',
      bytes: 44 + 1500 * 32,
      model: 'whisper-1',
      language: 'en',
    });
    expect(request?.durationMs).toBeCloseTo(1500, 5);
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('answers plain text for response_format=text, after the set delay', async () => {
    standIn.transcription.set({ text: (rec) => `${rec.bytes} bytes`, delayMs: 150 });
    const startedAt = performance.now();
    const text = await client.audio.transcriptions.create({
      file: await toFile(Buffer.from('not audio'), 'a.webm', { type: 'audio/webm' }),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(text).toBe('9 bytes');
    expect(standIn.transcription.requests[0]?.durationMs).toBeUndefined();
  });

  it('fails as set', async () => {
    standIn.transcription.set({ failure: 'refuse-401' });
    const file = await toFile(wav(100), 'a.wav');
    await expect(client.audio.transcriptions.create({ file, model: 'w' })).rejects.toMatchObject({
      status: 401,
    });
    standIn.transcription.set({ failure: 'malformed' });
    const response = await fetch(`${standIn.url}/audio/transcriptions`, {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.set('file', new Blob([new Uint8Array(wav(100))]), 'a.wav');
        return form;
      })(),
    });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toBeInstanceOf(SyntaxError);
    expect(standIn.transcription.requests).toHaveLength(2);
  });

  it('waitForRequest resolves when the upload arrives', async () => {
    const waiting = standIn.transcription.waitForRequest(1, 2_000);
    await client.audio.transcriptions.create({ file: await toFile(wav(250), 'a.wav'), model: 'w' });
    expect((await waiting).durationMs).toBeCloseTo(250, 5);
  });
});

describe('other routes', () => {
  it('lists the models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['stand-in-chat', 'stand-in-whisper']);
  });

  it('answers 404 JSON to unknown routes', async () => {
    const response = await fetch(`${standIn.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses bodies over 30 MB with 413', async () => {
    const response = await fetch(`${standIn.url}/audio/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(30 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(standIn.transcription.requests).toHaveLength(0);
  });
});

describe('wavDurationMs', () => {
  it('reads stereo 48 kHz and refuses non-WAV data', () => {
    expect(wavDurationMs(wav(1000, 48_000, 2))).toBeCloseTo(1000, 5);
    expect(wavDurationMs(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});
