import { describe, expect, it } from 'vitest';
import {
  DispatchSignatureError,
  decodeDispatchMetadata,
  encodeDispatchMetadata,
} from './dispatch-metadata';
import type { SessionRequest } from './session-request';

const request: SessionRequest = {
  sessionId: 's1',
  roomName: 'fc-room',
  avatar: {
    id: 'a1',
    name: 'Ada',
    framePath: '/data/frame.png',
    widthPx: 512,
    heightPx: 512,
    face: {
      box: { x: 1, y: 2, width: 3, height: 4 },
      landmarks: Array.from({ length: 468 }, () => [0, 0] as [number, number]),
    },
  },
  speech: {
    provider: 'openai',
    baseUrl: 'https://tts.example/v1',
    model: 'm',
    voice: 'v',
    apiKey: 'sk-speech-1',
  },
  conversation: {
    mode: 'chat',
    llm: { baseUrl: 'https://llm.example/v1', model: 'm', apiKey: 'sk-llm-2' },
    persona: '',
    greeting: '',
    memoryTurns: 10,
    fallback: 'Sorry.',
    transcription: {
      provider: 'openai',
      baseUrl: 'https://stt.example/v1',
      model: 'whisper-1',
      apiKey: 'sk-stt-3',
      endOfTurnSilenceMs: 800,
    },
  },
};

describe('dispatch metadata', () => {
  it('carries every key sealed, never in clear, and gives them back to the worker', () => {
    const text = encodeDispatchMetadata(request, 'worker-secret-123456');
    for (const key of ['sk-speech-1', 'sk-llm-2', 'sk-stt-3']) expect(text).not.toContain(key);
    expect(decodeDispatchMetadata(text, 'worker-secret-123456')).toEqual(request);
  });

  it('cannot be opened with another worker secret', () => {
    const text = encodeDispatchMetadata(request, 'worker-secret-123456');
    expect(() => decodeDispatchMetadata(text, 'another-secret-000000')).toThrow();
  });

  it('is signed: unsigned, re-signed elsewhere or altered metadata is refused', () => {
    const secret = 'worker-secret-123456';
    const text = encodeDispatchMetadata(request, secret);
    expect(text).toMatch(/^fc2\.[A-Za-z0-9_-]{43}\.\{/);
    const json = text.slice(text.indexOf('.', 4) + 1);
    // The bare JSON (what a stranger holding the LiveKit key could dispatch): refused.
    expect(() => decodeDispatchMetadata(json, secret)).toThrow(DispatchSignatureError);
    expect(() => decodeDispatchMetadata(json, secret)).toThrow(/not signed/);
    // Signed with another worker secret: refused before anything is parsed.
    const foreign = encodeDispatchMetadata(request, 'another-secret-000000');
    expect(() => decodeDispatchMetadata(foreign, secret)).toThrow(/does not verify/);
    // One field changed after signing (a frame path aimed elsewhere): refused.
    const altered = text.replace('/data/frame.png', '/etc/shadow.png');
    expect(altered).not.toBe(text);
    expect(() => decodeDispatchMetadata(altered, secret)).toThrow(/does not verify/);
    expect(() => decodeDispatchMetadata('fc2.AAAA.{}', secret)).toThrow(DispatchSignatureError);
  });
});
