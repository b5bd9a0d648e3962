import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DisconnectReason } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import {
  livekitAnswers,
  REJOIN_MAX_DELAY_MS,
  reconnectPolicy,
  rejoinDelayMs,
  shouldRejoin,
  tokenRefusalIsFinal,
} from './rejoin-policy';

describe('shouldRejoin', () => {
  it('rejoins after a server restart or a connection the client gave up on', () => {
    expect(shouldRejoin(DisconnectReason.SERVER_SHUTDOWN)).toBe(true);
    expect(shouldRejoin(DisconnectReason.UNKNOWN_REASON)).toBe(true);
    expect(shouldRejoin(DisconnectReason.SIGNAL_CLOSE)).toBe(true);
    expect(shouldRejoin(DisconnectReason.JOIN_FAILURE)).toBe(true);
    expect(shouldRejoin(undefined)).toBe(true);
  });

  it('does not rejoin a session that ended or a viewer who left or was removed', () => {
    expect(shouldRejoin(DisconnectReason.ROOM_DELETED)).toBe(false);
    expect(shouldRejoin(DisconnectReason.ROOM_CLOSED)).toBe(false);
    expect(shouldRejoin(DisconnectReason.PARTICIPANT_REMOVED)).toBe(false);
    expect(shouldRejoin(DisconnectReason.CLIENT_INITIATED)).toBe(false);
    expect(shouldRejoin(DisconnectReason.DUPLICATE_IDENTITY)).toBe(false);
  });
});

describe('rejoinDelayMs', () => {
  it('backs off from 500 ms, doubling, capped so a returning server is found within seconds', () => {
    expect([0, 1, 2, 3, 4, 10].map(rejoinDelayMs)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(rejoinDelayMs(1_000)).toBe(REJOIN_MAX_DELAY_MS);
  });
});

describe('reconnectPolicy', () => {
  it('lets livekit-client retry a blip at once and on the rejoin backoff, then hands over', () => {
    const delays: Array<number | null> = [];
    for (let retryCount = 0; retryCount < 6; retryCount++) {
      delays.push(reconnectPolicy.nextRetryDelayInMs({ retryCount, elapsedMs: 0 }));
    }
    expect(delays).toEqual([0, 500, 1000, 2000, null, null]);
  });
});

describe('livekitAnswers', () => {
  it('is true once the server at the ws:// URL answers HTTP, false while nothing listens', async () => {
    const server = http.createServer((_request, response) => response.end('OK'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await livekitAnswers(`ws://127.0.0.1:${port}`)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await livekitAnswers(`ws://127.0.0.1:${port}`)).toBe(false);
    expect(await livekitAnswers('not a url')).toBe(false);
  });
});

describe('tokenRefusalIsFinal', () => {
  it('gives up when the app says the session is over or the viewer may not join', () => {
    expect(tokenRefusalIsFinal(404)).toBe(true);
    expect(tokenRefusalIsFinal(409)).toBe(true);
    expect(tokenRefusalIsFinal(403)).toBe(true);
  });

  it('tries again on network errors, server errors, timeouts and rate limits', () => {
    expect(tokenRefusalIsFinal(undefined)).toBe(false);
    expect(tokenRefusalIsFinal(503)).toBe(false);
    expect(tokenRefusalIsFinal(408)).toBe(false);
    expect(tokenRefusalIsFinal(429)).toBe(false);
  });
});
