import { describe, expect, it } from 'vitest';
import { decodeDispatchMetadata, encodeDispatchMetadata } from './dispatch-metadata';
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
});
