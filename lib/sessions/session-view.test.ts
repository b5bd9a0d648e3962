import type { Avatar, Session } from '@prisma/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { avatarView } from '@/lib/avatars/avatar-view';

beforeAll(() => {
  process.env.AUTH_SECRET = 'a'.repeat(32);
  process.env.WORKER_SECRET = 'w'.repeat(16);
  process.env.APP_URL = 'https://facecast.example.com';
  process.env.LIVEKIT_URL = 'wss://lk.example.com';
});

const created = new Date('2026-11-24T10:00:00Z');

describe('API views', () => {
  it('a session exposes its viewer URL and LiveKit URL, never internal fields', async () => {
    const { sessionView } = await import('./session-view');
    const session: Session = {
      id: 's1',
      userId: 'u1',
      avatarId: 'a1',
      roomName: 'fc-abc',
      status: 'live',
      error: null,
      viewerKey: 'key123',
      publicViewing: false,
      guestsMayTalk: false,
      renderer: 'builtin',
      notice: 'The lip-sync model could not keep up; the built-in renderer took over.',
      workerHostId: 'host-1',
      restarts: 0,
      dispatchedAt: created,
      fps: 25,
      state: 'speaking',
      createdAt: created,
      liveAt: created,
      endedAt: null,
      bookingId: null,
      agentUrl: null,
      agentRoom: null,
      agentIdentity: null,
      agentTokenSealed: null,
      source: 'app',
      embedId: null,
      endsBy: null,
      speechChars: 42,
      viewersJoined: 3,
      peakViewers: 2,
      lastViewerAt: null,
      roomLocked: false,
      linkVersion: 1,
    };
    const view = sessionView(session, new Date(created.getTime() + 90_000));
    expect(view).toMatchObject({
      id: 's1',
      liveAt: created.toISOString(),
      // Live for 90 s so far: metered to now while it runs.
      usage: { minutes: 1.5, speechChars: 42, viewersJoined: 3, peakViewers: 2 },
      room: 'fc-abc',
      status: 'live',
      livekitUrl: 'wss://lk.example.com',
      viewerUrl: 'https://facecast.example.com/watch/key123',
      renderer: 'builtin',
      notice: 'The lip-sync model could not keep up; the built-in renderer took over.',
      state: 'speaking',
      speaking: true,
    });
    expect(view).not.toHaveProperty('userId');
    expect(view).not.toHaveProperty('error');
  });

  it('an avatar shows its failure reason and voice, and no file paths, geometry or secrets', () => {
    const avatar: Avatar = {
      id: 'a1',
      userId: 'u1',
      name: 'Guide',
      status: 'failed',
      error: 'No face was found in this image.',
      voice: 'kal16',
      speechRate: 1.25,
      sourceType: 'image/png',
      sourceKind: 'image',
      framing: 'square-512',
      progress: 100,
      stage: null,
      storeDir: 'avatars/a1/store',
      frameCount: 1,
      ttsProvider: 'openai',
      ttsConfig: { baseUrl: 'https://tts.example.com/v1', model: 'm', voice: 'v' },
      ttsApiKeySealed: 'sealed-secret',
      lipSyncModel: 'avatars/a1/lipsync.onnx',
      lipSyncConfig: { channelOrder: 'bgr', batchSize: 4 },
      framePath: 'avatars/a1/frame.png',
      widthPx: 512,
      heightPx: 512,
      face: { box: {} },
      conversationMode: 'chat',
      conversationConfig: { llm: { baseUrl: 'https://llm.example.com/v1', model: 'm' } },
      llmApiKeySealed: 'sealed-llm-key',
      transcriptionConfig: null,
      transcriptionApiKeySealed: 'sealed-stt-key',
      createdAt: created,
      updatedAt: created,
    };
    const view = avatarView(avatar);
    expect(view).toMatchObject({
      id: 'a1',
      name: 'Guide',
      status: 'failed',
      error: 'No face was found in this image.',
      voice: 'kal16',
      speechRate: 1.25,
      conversation: {
        mode: 'chat',
        llm: { baseUrl: 'https://llm.example.com/v1', model: 'm', hasApiKey: true },
        memoryTurns: 10,
      },
      transcription: { provider: 'server', hasApiKey: true },
      createdAt: created.toISOString(),
    });
    const json = JSON.stringify(view);
    for (const secret of [
      'avatars/a1',
      'sealed-secret',
      'sealed-llm-key',
      'sealed-stt-key',
      'landmarks',
      'userId',
    ]) {
      expect(json).not.toContain(secret);
    }
  });
});
