import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortsFree, isTcpPortFree, isUdpPortFree } from './ports.mjs';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function occupyTcp(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

async function occupyUdp(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

describe('port checks', () => {
  it('tells a used TCP port from a free one', async () => {
    const port = await occupyTcp();
    expect(await isTcpPortFree(port, '127.0.0.1')).toBe(false);
    await cleanups.pop()?.();
    expect(await isTcpPortFree(port, '127.0.0.1')).toBe(true);
  });

  it('tells a used UDP port', async () => {
    const port = await occupyUdp();
    expect(await isUdpPortFree(port, '127.0.0.1')).toBe(false);
  });

  it('names the port, the service and the variable to change', async () => {
    const port = await occupyTcp();
    await expect(
      assertPortsFree([
        { port, host: '127.0.0.1', protocol: 'tcp', service: 'the app', variable: 'PORT' },
      ]),
    ).rejects.toThrow(
      `TCP port ${port} on 127.0.0.1 (the app): already in use. Stop what uses it, or set PORT=<another port>.`,
    );
  });

  it('passes when every port is free', async () => {
    const port = await occupyTcp();
    await cleanups.pop()?.();
    await expect(
      assertPortsFree([{ port, host: '127.0.0.1', protocol: 'tcp', service: 'x', variable: 'X' }]),
    ).resolves.toBeUndefined();
  });
});
