import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../../tests/support/openai-stand-in';
import { freeTcpPort } from '../../tests/integration/support/ports';
import { TranscriptionError, transcribeWav } from './transcription';

// A local STAND-IN speaks the OpenAI transcription API; no paid service is called.
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn();
});
afterAll(() => standIn.close());

/** A 1 s, 16 kHz mono WAV of a tone. */
function toneWav(): Uint8Array {
  const rate = 16_000;
  const pcm = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 5)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

describe('transcribeWav', () => {
  it('sends the WAV with model, language and key, and gives back the text', async () => {
    standIn.transcription.set({ text: '  Hello museum.  ' });
    const text = await transcribeWav(
      { baseUrl: standIn.url, model: 'stand-in-whisper', apiKey: 'sk-stt-9999', language: 'en' },
      toneWav(),
    );
    expect(text).toBe('Hello museum.');
    const request = await standIn.transcription.waitForRequest(1);
    expect(request).toMatchObject({ model: 'stand-in-whisper', language: 'en' });
    expect(request.durationMs).toBeCloseTo(1000, -1);
  });

  it('a refusal says the status and never the key', async () => {
    standIn.transcription.set({ failure: 'refuse-401' });
    const error = await transcribeWav(
      { baseUrl: standIn.url, model: 'm', apiKey: 'sk-stt-secret-7777' },
      toneWav(),
    ).catch((e: unknown) => e);
    standIn.transcription.set({ failure: undefined });
    expect(error).toBeInstanceOf(TranscriptionError);
    expect((error as TranscriptionError).status).toBe(401);
    expect((error as Error).message).toMatch(/answered 401/);
    expect((error as Error).message).not.toContain('sk-stt-secret-7777');
  });

  it('an unreachable server says so', async () => {
    const port = await freeTcpPort();
    await expect(
      transcribeWav({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }, toneWav()),
    ).rejects.toThrow(/Is the transcription server running/);
  });
});
