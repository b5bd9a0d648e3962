import { describe, expect, it } from 'vitest';
import { CLIP_MAX_BYTES, controlMessageSchema, isAvatarParticipant } from './room-control';

describe('controlMessageSchema: playAudio', () => {
  const url = 'http://app.example:3000/api/internal/clips/abc';

  it('accepts a clip URL with its length; interrupt defaults to false', () => {
    expect(controlMessageSchema.parse({ type: 'playAudio', url, durationMs: 1000 })).toEqual({
      type: 'playAudio',
      url,
      durationMs: 1000,
      interrupt: false,
    });
    expect(
      controlMessageSchema.parse({ type: 'playAudio', url, durationMs: 60_000, interrupt: true }),
    ).toMatchObject({ interrupt: true });
  });

  it('refuses relative or non-http URLs, and lengths outside 1 ms to 60 s', () => {
    for (const bad of [
      { url: '/api/internal/clips/abc', durationMs: 1000 },
      { url: 'file:///etc/passwd', durationMs: 1000 },
      { url, durationMs: 0 },
      { url, durationMs: 60_001 },
      { url, durationMs: 1.5 },
      { url },
    ]) {
      expect(controlMessageSchema.safeParse({ type: 'playAudio', ...bad }).success).toBe(false);
    }
  });

  it('lets the worker fetch 60 s of 16 kHz mono 16-bit audio, and not much more', () => {
    expect(CLIP_MAX_BYTES).toBeGreaterThan(60 * 16_000 * 2 + 44);
    expect(CLIP_MAX_BYTES).toBeLessThan(2.5 * 1024 * 1024);
  });
});

describe('isAvatarParticipant', () => {
  it("knows Facecast's avatar and an agent's avatar worker, and nobody else", () => {
    expect(isAvatarParticipant({ identity: 'avatar' })).toBe(true);
    expect(
      isAvatarParticipant({
        identity: 'bey-avatar',
        attributes: { 'lk.publish_on_behalf': 'agent-1' },
      }),
    ).toBe(true);
    expect(isAvatarParticipant({ identity: 'viewer-1', attributes: {} })).toBe(false);
    expect(isAvatarParticipant({ identity: 'agent-1' })).toBe(false);
  });
});
