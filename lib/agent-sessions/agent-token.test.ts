import { AccessToken } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { livekitHttpEquivalent, readAgentToken } from './agent-token';

/** A token as an agent mints it for its avatar (the Beyond Presence plugin's shape). */
async function agentToken(
  options: {
    room?: string;
    ttlS?: number;
    kind?: string;
    attributes?: Record<string, string>;
    canPublish?: boolean;
  } = {},
) {
  const at = new AccessToken('key', 'secret-secret-secret-secret-secret', {
    identity: 'facecast-avatar',
    ttl: options.ttlS ?? 600,
    attributes: options.attributes ?? { 'lk.publish_on_behalf': 'agent-7' },
  });
  at.kind = options.kind ?? 'agent';
  at.addGrant({
    roomJoin: true,
    room: options.room ?? 'support-42',
    canPublish: options.canPublish ?? true,
  });
  return at.toJwt();
}

describe('agent token', () => {
  it('reads identity, room and agent of a good token', async () => {
    const read = readAgentToken(await agentToken());
    expect(read).toMatchObject({
      identity: 'facecast-avatar',
      room: 'support-42',
      agentIdentity: 'agent-7',
    });
    expect(read.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses with what to fix', async () => {
    const tokens = {
      shortLived: await agentToken({ ttlS: 60 }),
      noAgent: await agentToken({ attributes: {} }),
      selfAgent: await agentToken({ attributes: { 'lk.publish_on_behalf': 'facecast-avatar' } }),
      standard: await agentToken({ kind: 'standard' }),
      noPublish: await agentToken({ canPublish: false }),
    };
    expect(() => readAgentToken('not-a-jwt')).toThrow(/not a LiveKit access token/);
    expect(() => readAgentToken('a.b.c')).toThrow(/not a LiveKit access token/);
    expect(() => readAgentToken(tokens.shortLived, Date.now() + 120_000)).toThrow(/expired/);
    expect(() => readAgentToken(tokens.noAgent)).toThrow(/lk\.publish_on_behalf/);
    expect(() => readAgentToken(tokens.selfAgent)).toThrow(/names the avatar itself/);
    expect(() => readAgentToken(tokens.standard)).toThrow(/kind "agent"/);
    expect(() => readAgentToken(tokens.noPublish)).toThrow(/canPublish/);
  });

  it('checks LiveKit URLs as the http(s) they connect through', () => {
    expect(livekitHttpEquivalent('wss://lk.example.com')).toBe('https://lk.example.com/');
    expect(livekitHttpEquivalent('ws://127.0.0.1:7880')).toBe('http://127.0.0.1:7880/');
    expect(() => livekitHttpEquivalent('ftp://x')).toThrow(/not a LiveKit URL/);
    expect(() => livekitHttpEquivalent('nope')).toThrow(/not a URL/);
  });
});
