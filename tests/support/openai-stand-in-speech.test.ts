/**
 * Tests of the local OpenAI stand-in's speech route (a test helper, not a real model) through
 * the official `openai` client, and of `GET /stand-in/requests`, which tests in other
 * processes read.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SPEECH_RATE_HZ,
  startOpenAiStandIn,
  type RecordedRequests,
  type StandIn,
} from './openai-stand-in';

const API_KEY = 'sk-stand-in-test-51ce';

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
  standIn.speech.reset();
});

/** RMS of 16-bit samples. */
function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

describe('audio speech', () => {
  it('answers pcm with Flite speech at 24 kHz, as @livekit/agents-plugin-openai asks', async () => {
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Hello there, this is the stand-in speaking.',
      response_format: 'pcm',
      speed: 1,
    });
    expect(response.headers.get('content-type')).toBe('audio/pcm');
    const bytes = Buffer.from(await response.arrayBuffer());
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    const seconds = pcm.length / SPEECH_RATE_HZ;
    // A sentence of eight words takes a couple of seconds, and it is not silence.
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(6);
    expect(rms(pcm)).toBeGreaterThan(500);
    const request = standIn.speech.requests[0];
    expect(request?.body).toMatchObject({ model: 'tts-1', voice: 'alloy', response_format: 'pcm' });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.audioMs).toBeCloseTo(seconds * 1000, 5);
    expect(request!.answeredAt!).toBeGreaterThanOrEqual(request!.receivedAt);
  });

  it('answers wav with a 24 kHz mono WAV of the same speech', async () => {
    standIn.speech.set({ synthesize: () => new Int16Array(SPEECH_RATE_HZ / 2).fill(1000) });
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Half a second.',
      response_format: 'wav',
    });
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(SPEECH_RATE_HZ);
    expect(wav.length).toBe(44 + SPEECH_RATE_HZ);
    standIn.speech.set({ synthesize: undefined });
  });

  it('refuses formats it cannot make, an empty input and bad JSON with 400', async () => {
    await expect(
      client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi.' }),
    ).rejects.toMatchObject({ status: 400, code: 'unsupported_response_format' });
    await expect(
      client.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input: ' ',
        response_format: 'pcm',
      }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_input' });
    const response = await fetch(`${standIn.url}/audio/speech`, { method: 'POST', body: '{' });
    expect(response.status).toBe(400);
    expect(standIn.speech.requests).toHaveLength(2);
  });

  it('fails and waits as set', async () => {
    standIn.speech.set({ failure: 'http-500' });
    await expect(
      client.audio.speech.create({
        model: 'm',
        voice: 'alloy',
        input: 'x',
        response_format: 'pcm',
      }),
    ).rejects.toMatchObject({ status: 500 });
    standIn.speech.set({ failure: undefined, delayMs: 150, synthesize: () => new Int16Array(240) });
    const waiting = standIn.speech.waitForRequest(2, 2_000);
    const startedAt = performance.now();
    const response = await client.audio.speech.create({
      model: 'm',
      voice: 'alloy',
      input: 'later',
      response_format: 'pcm',
    });
    expect((await response.arrayBuffer()).byteLength).toBe(480);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect((await waiting).body.input).toBe('later');
    standIn.speech.set({ delayMs: undefined, synthesize: undefined });
  });
});

describe('GET /stand-in/requests', () => {
  it('lists what every route recorded, without headers', async () => {
    standIn.speech.set({ synthesize: () => new Int16Array(240) });
    await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await client.audio.speech.create({
      model: 'm',
      voice: 'alloy',
      input: 'x',
      response_format: 'pcm',
    });
    const response = await fetch(`${standIn.url.replace(/\/v1$/, '')}/stand-in/requests`);
    const recorded = (await response.json()) as RecordedRequests;
    expect(recorded.chat).toHaveLength(1);
    expect(recorded.chat[0]).toMatchObject({
      body: { messages: [{ role: 'user', content: 'Hi' }] },
      authorized: true,
      finished: true,
    });
    expect(recorded.chat[0]).not.toHaveProperty('headers');
    expect(recorded.speech[0]).toMatchObject({
      body: { input: 'x' },
      audioMs: 10,
      authorized: true,
    });
    expect(recorded.transcription).toEqual([]);
    standIn.speech.set({ synthesize: undefined });
  });
});
