/**
 * OpenAI's speech API is an external paid service, so these tests replace it with a LOCAL
 * node:http stand-in that speaks `POST /v1/audio/speech`: it checks the method, path, auth
 * header and JSON body like the real one, and answers with real speech synthesised by Flite
 * in the test (resampled to OpenAI's 24 kHz for `pcm`, or served as WAV).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFliteTts } from './flite-tts';
import {
  MAX_INPUT_CHARS,
  SpeechProviderError,
  createOpenAiSpeech,
  parseRetryAfter,
  speechEndpoint,
} from './openai-speech';

const API_KEY = 'sk-test-4f9a2c1e7b';
const SENTENCE = 'Hello there, my name is Facecast.';

interface SpeechRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: { model?: string; input?: string; voice?: string; response_format?: string };
}
type Reply = (req: SpeechRequest, res: http.ServerResponse) => void;

let flite16k: Int16Array;
let server: http.Server;
let baseUrl: string;
let requests: SpeechRequest[] = [];
/** Replies for the next requests, in order; the last one repeats. */
let replies: Reply[] = [];

/** Linear-interpolation resampling, good enough to stand in for a 24 kHz voice. */
function resample(pcm: Int16Array, fromHz: number, toHz: number): Int16Array {
  const out = new Int16Array(Math.floor((pcm.length * toHz) / fromHz));
  for (let i = 0; i < out.length; i++) {
    const at = (i * fromHz) / toHz;
    const j = Math.floor(at);
    const a = pcm[j] ?? 0;
    const b = pcm[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (at - j));
  }
  return out;
}

function stereoWav(pcm: Int16Array, sampleRateHz: number): Buffer {
  const data = pcm.length * 4;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(2, 22);
  buf.writeUInt32LE(sampleRateHz, 24);
  buf.writeUInt32LE(sampleRateHz * 4, 28);
  buf.writeUInt16LE(4, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(data, 40);
  pcm.forEach((s, i) => buf.writeInt16LE(s, 44 + i * 4)); // speech on the left, silence right
  return buf;
}

const speakPcm: Reply = (_req, res) => {
  const pcm = resample(flite16k, 16_000, 24_000);
  res.writeHead(200, { 'content-type': 'audio/pcm' }).end(Buffer.from(pcm.buffer));
};
const speakWav: Reply = (_req, res) =>
  res.writeHead(200, { 'content-type': 'audio/wav' }).end(stereoWav(flite16k, 16_000));
const fail =
  (status: number, headers: Record<string, string> = {}, message = 'nope'): Reply =>
  (_req, res) =>
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ error: { message, type: 'error' } }));

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

function speech(overrides: Partial<Parameters<typeof createOpenAiSpeech>[0]> = {}) {
  return createOpenAiSpeech({
    baseUrl,
    apiKey: API_KEY,
    model: 'tts-1',
    voice: 'alloy',
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<SpeechProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpeechProviderError);
  return error as SpeechProviderError;
}

beforeAll(async () => {
  const tts = createFliteTts();
  flite16k = tts.synthesize(SENTENCE).pcm;
  tts.close();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: SpeechRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: {},
      };
      try {
        request.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SpeechRequest['body'];
      } catch {
        // Left empty: the checks below reject it.
      }
      requests.push(request);
      // What the real API rejects, the stand-in rejects too.
      if (request.method !== 'POST' || request.path !== '/v1/audio/speech')
        return fail(404)(request, res);
      if (request.authorization !== `Bearer ${API_KEY}`)
        return fail(
          401,
          {},
          `Incorrect API key provided: ${request.authorization ?? ''}`,
        )(request, res);
      const { model, input, voice, response_format: format } = request.body;
      if (!model || !input || !voice || !['pcm', 'wav'].includes(format ?? ''))
        return fail(400)(request, res);
      const reply = replies.length > 1 ? replies.shift() : replies[0];
      (reply ?? speakPcm)(request, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  requests = [];
  replies = [];
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('OpenAI-compatible speech', () => {
  it('speaks 24 kHz pcm by default and sends the documented request', async () => {
    replies = [speakPcm];
    const audio = await speech({ speed: 1.25 }).synthesize(`  ${SENTENCE} `);
    expect(audio.sampleRateHz).toBe(24_000);
    expect(audio.phones).toEqual([]);
    const durationMs = (audio.pcm.length / audio.sampleRateHz) * 1000;
    expect(durationMs).toBeGreaterThan(1_000);
    expect(durationMs).toBeLessThan(5_000);
    expect(Math.abs(durationMs - (flite16k.length / 16_000) * 1000)).toBeLessThan(5);
    expect(rms(audio.pcm)).toBeGreaterThan(500);
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/v1/audio/speech',
        authorization: `Bearer ${API_KEY}`,
        body: {
          model: 'tts-1',
          input: SENTENCE,
          voice: 'alloy',
          response_format: 'pcm',
          speed: 1.25,
        },
      },
    ]);
  });

  it('accepts baseUrl with or without /v1 and trailing slashes', async () => {
    for (const url of [baseUrl, `${baseUrl}/`, `${baseUrl}/v1`, `${baseUrl}/v1/`]) {
      const audio = await speech({ baseUrl: url }).synthesize(SENTENCE);
      expect(rms(audio.pcm)).toBeGreaterThan(500);
    }
    expect(requests.map((r) => r.path)).toEqual(Array(4).fill('/v1/audio/speech'));
    expect(speechEndpoint('https://example.test/openai/v1')).toBe(
      'https://example.test/openai/v1/audio/speech',
    );
  });

  it('falls back to WAV (downmixed, at its own rate) when the server rejects pcm', async () => {
    const client = speech();
    replies = [fail(400, {}, "response_format 'pcm' is not supported"), speakWav];
    const audio = await client.synthesize(SENTENCE);
    expect(audio.sampleRateHz).toBe(16_000);
    expect(audio.pcm.length).toBe(flite16k.length);
    // Left channel speech, right channel silence: the mix is half as loud, not dropped.
    expect(rms(audio.pcm)).toBeCloseTo(rms(flite16k) / 2, -1);
    // Remembered: the next sentence asks for WAV at once.
    await client.synthesize(SENTENCE);
    expect(requests.map((r) => r.body.response_format)).toEqual(['pcm', 'wav', 'wav']);
  });

  it('reports a refused key as unauthorized without the key in the message', async () => {
    const error = await failure(speech({ apiKey: 'sk-wrong-key-123' }).synthesize(SENTENCE));
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('sk-wrong-key-123');
    expect(error.message).not.toContain('wrong-key');
    expect(requests).toHaveLength(1); // never retried
    const noKey = await failure(speech({ apiKey: undefined }).synthesize(SENTENCE));
    expect(noKey.code).toBe('unauthorized');
    expect(requests.at(-1)?.authorization).toBeUndefined();
  });

  it('reports 429 as rate_limited with Retry-After, without retrying', async () => {
    replies = [fail(429, { 'retry-after': '7' }, 'Rate limit reached')];
    const error = await failure(speech().synthesize(SENTENCE));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterS).toBe(7);
    expect(requests).toHaveLength(1);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28))).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('retries once after a 500 and succeeds', async () => {
    replies = [fail(500), speakPcm];
    const audio = await speech().synthesize(SENTENCE);
    expect(rms(audio.pcm)).toBeGreaterThan(500);
    expect(requests).toHaveLength(2);
  });

  it('gives up as unavailable after two 500s', async () => {
    replies = [fail(500), fail(503)];
    const error = await failure(speech().synthesize(SENTENCE));
    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(requests).toHaveLength(2);
  });

  it('reports a refused connection as unavailable after one retry', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const started = performance.now();
    const error = await failure(speech({ baseUrl: `http://127.0.0.1:${port}` }).synthesize('Hi.'));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // waited before retrying
  });

  it('times out a server that never answers within timeoutMs', async () => {
    replies = [() => undefined];
    const started = performance.now();
    const error = await failure(speech({ timeoutMs: 400 }).synthesize(SENTENCE));
    const elapsedMs = performance.now() - started;
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/did not answer within 400 ms/);
    expect(elapsedMs).toBeGreaterThanOrEqual(350);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(requests).toHaveLength(1); // a timeout is not retried
  });

  it('reports a body that is not audio as bad_audio', async () => {
    replies = [(_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hi')];
    expect((await failure(speech().synthesize(SENTENCE))).code).toBe('bad_audio');
    replies = [fail(400), (_req, res) => res.writeHead(200).end(Buffer.from('garbage bytes!'))];
    const error = await failure(speech().synthesize(SENTENCE));
    expect(error.code).toBe('bad_audio');
    expect(error.message).toMatch(/WAV/);
  });

  it('refuses empty and over-long text before calling the server', async () => {
    expect((await failure(speech().synthesize('  \n '))).code).toBe('bad_request');
    const error = await failure(speech().synthesize('a'.repeat(MAX_INPUT_CHARS + 1)));
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/4097 characters.*at most 4096/);
    expect(requests).toHaveLength(0);
    await speech().synthesize('é'.repeat(MAX_INPUT_CHARS));
    expect(requests).toHaveLength(1);
  });
});
