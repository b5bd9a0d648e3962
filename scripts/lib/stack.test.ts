import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack } from './stack.mjs';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('startStack', () => {
  it('refuses to start when a port is taken, naming the port and the variable, before starting anything', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.close());
    const port = (server.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-stack-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    await expect(
      startStack({
        dataDir,
        appPort: port,
        externalLivekit: { url: 'ws://127.0.0.1:1', apiKey: 'k', apiSecret: 's' },
        livekitServer: '/nonexistent',
      }),
    ).rejects.toThrow(`TCP port ${port} on 127.0.0.1 (the app): already in use`);
    // Nothing was started: no LiveKit config written.
    expect(fs.existsSync(path.join(dataDir, 'livekit.yaml'))).toBe(false);
  });
});
