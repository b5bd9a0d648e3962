import { describe, expect, it } from 'vitest';
import { childMessageSchema, parentMessageSchema, type ParentMessage } from './ipc';
import { syntheticAvatar } from '../testing/synthetic-avatar';

describe('ipc messages', () => {
  it('accepts every parent case and rejects unknown ones', () => {
    const messages: ParentMessage[] = [
      {
        case: 'startSession',
        value: {
          request: { sessionId: 's1', roomName: 'r1', avatar: syntheticAvatar('/tmp/a.png') },
          join: { url: 'ws://127.0.0.1:7880', token: 'jwt', videoCodec: 'h264' },
        },
      },
      { case: 'ping', value: { timestampMs: 1 } },
      { case: 'shutdown', value: { reason: 'test' } },
    ];
    for (const message of messages) expect(parentMessageSchema.parse(message)).toEqual(message);
    expect(parentMessageSchema.safeParse({ case: 'explode', value: {} }).success).toBe(false);
    expect(parentMessageSchema.safeParse({ case: 'ping', value: {} }).success).toBe(false);
  });

  it('round-trips child messages through JSON like the IPC channel does', () => {
    const message = { case: 'sessionStarted', value: { sessionId: 's1', startupMs: 12 } } as const;
    expect(childMessageSchema.parse(JSON.parse(JSON.stringify(message)))).toEqual(message);
    expect(childMessageSchema.safeParse({ case: 'ready', value: { pid: 'x' } }).success).toBe(
      false,
    );
  });
});
