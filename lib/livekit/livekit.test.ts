import { TokenVerifier } from 'livekit-server-sdk';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(() => {
  process.env.AUTH_SECRET = 'a'.repeat(32);
  process.env.WORKER_SECRET = 'w'.repeat(16);
  process.env.LIVEKIT_API_KEY = 'testkey';
  process.env.LIVEKIT_API_SECRET = 'testsecret-testsecret-testsecret';
});

describe('livekit helpers', () => {
  it('derives the server API URL from the browser URL', async () => {
    const { livekitHttpUrl } = await import('./livekit');
    expect(livekitHttpUrl('ws://localhost:7880')).toBe('http://localhost:7880');
    expect(livekitHttpUrl('wss://lk.example.com')).toBe('https://lk.example.com');
  });

  it('guest tokens may subscribe but never publish media or data', async () => {
    const { createViewerToken } = await import('./livekit');
    const jwt = await createViewerToken({ roomName: 'fc-room', identity: 'viewer-1' });
    const claims = await new TokenVerifier('testkey', 'testsecret-testsecret-testsecret').verify(
      jwt,
    );
    expect(claims.sub).toBe('viewer-1');
    expect(claims.video).toMatchObject({
      room: 'fc-room',
      roomJoin: true,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
    });
    expect(claims.video?.canPublishSources ?? []).toEqual([]);
    expect(claims.video?.roomAdmin).toBeFalsy();
  });

  it('a viewer who may talk may publish its microphone and nothing else', async () => {
    const { createViewerToken } = await import('./livekit');
    const jwt = await createViewerToken({
      roomName: 'fc-room',
      identity: 'guest-1',
      mayTalk: true,
      mayPublishData: true,
    });
    const claims = await new TokenVerifier('testkey', 'testsecret-testsecret-testsecret').verify(
      jwt,
    );
    expect(claims.video).toMatchObject({
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: true,
    });
    expect(claims.video?.roomAdmin).toBeFalsy();
  });
});
