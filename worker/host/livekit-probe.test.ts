import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { livekitAnswers, livekitHttpUrl } from './livekit-probe';

describe('livekitHttpUrl', () => {
  it('maps signalling URLs to the HTTP root', () => {
    expect(livekitHttpUrl('ws://127.0.0.1:7880')).toBe('http://127.0.0.1:7880/');
    expect(livekitHttpUrl('wss://lk.example.com/base/')).toBe('https://lk.example.com/base/');
    expect(livekitHttpUrl('https://lk.example.com?x=1')).toBe('https://lk.example.com/');
  });
});

describe('livekitAnswers', () => {
  it('is true for a server answering 200, false for an error status or nothing listening', async () => {
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end('OK'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await livekitAnswers(`ws://127.0.0.1:${port}`)).toBe(true);
      status = 503;
      expect(await livekitAnswers(`ws://127.0.0.1:${port}`)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await livekitAnswers(`ws://127.0.0.1:${port}`)).toBe(false);
  });
});
