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
      createdAt: created,
      endedAt: null,
    };
    const view = sessionView(session);
    expect(view).toMatchObject({
      id: 's1',
      room: 'fc-abc',
      status: 'live',
      livekitUrl: 'wss://lk.example.com',
      viewerUrl: 'https://facecast.example.com/watch/key123',
    });
    expect(view).not.toHaveProperty('userId');
    expect(view).not.toHaveProperty('error');
  });

  it('an avatar shows its failure reason and voice, and no file paths or geometry', () => {
    const avatar: Avatar = {
      id: 'a1',
      userId: 'u1',
      name: 'Guide',
      status: 'failed',
      error: 'No face was found in this image.',
      voice: 'kal16',
      speechRate: 1.25,
      sourceType: 'image/png',
      framePath: 'avatars/a1/frame.png',
      widthPx: 512,
      heightPx: 512,
      face: { box: {} },
      createdAt: created,
      updatedAt: created,
    };
    const view = avatarView(avatar);
    expect(view).toEqual({
      id: 'a1',
      name: 'Guide',
      status: 'failed',
      error: 'No face was found in this image.',
      voice: 'kal16',
      speechRate: 1.25,
      createdAt: created.toISOString(),
    });
  });
});
