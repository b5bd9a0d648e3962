/**
 * Starts a real LiveKit server (the binary built from the Go module proxy into .tools/bin) on
 * free ports with a temporary config, and waits until it answers.
 *
 * Config that works inside the test namespace (verified with livekit-server 1.13.5 and
 * @livekit/rtc-node 1.1.0): `--bind 127.0.0.1 --bind 10.77.0.1`, signalling on 127.0.0.1,
 * media advertised on the veth address (rtc-node's libwebrtc ignores loopback, so it
 * gathers 10.77.0.x candidates and reaches the server over the veth pair):
 *   rtc: { node_ip: 10.77.0.1, use_external_ip: false, enable_loopback_candidate: true,
 *          tcp_port: <free>, udp_port: <free> }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_NODE_IP } from './network';
import { freeTcpPort, freeUdpPort, waitUntil } from './ports';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LivekitServer {
  /** Signalling URL for clients (ws://127.0.0.1:port). */
  url: string;
  /** Same server over HTTP, for the server API. */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export function livekitServerBinary(): string {
  const candidates = [
    process.env.LIVEKIT_SERVER_BIN,
    path.join(REPO_ROOT, '.tools/bin/livekit-server'),
    path.join(REPO_ROOT, '.tools/bin/server'),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `livekit-server binary not found (looked at ${candidates.join(', ')}); build it with ` +
        '`GOBIN=$PWD/.tools/bin go install github.com/livekit/livekit-server/cmd/server@v1.13.5`',
    );
  }
  return found;
}

export async function startLivekitServer(
  options: { nodeIp?: string } = {},
): Promise<LivekitServer> {
  const nodeIp = options.nodeIp ?? TEST_NODE_IP;
  const [httpPort, tcpPort, udpPort] = [
    await freeTcpPort(),
    await freeTcpPort(),
    await freeUdpPort(),
  ];
  const apiKey = 'devkey';
  const apiSecret = 'secret-for-integration-tests-only';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-livekit-'));
  const configPath = path.join(dir, 'livekit.yaml');
  writeFileSync(
    configPath,
    [
      `port: ${httpPort}`,
      'rtc:',
      `  tcp_port: ${tcpPort}`,
      `  udp_port: ${udpPort}`,
      `  node_ip: ${nodeIp}`,
      '  use_external_ip: false',
      '  enable_loopback_candidate: true',
      'keys:',
      `  ${apiKey}: ${apiSecret}`,
      'logging:',
      '  level: info',
      '',
    ].join('\n'),
  );

  const child: ChildProcess = spawn(
    livekitServerBinary(),
    ['--config', configPath, '--bind', '127.0.0.1', '--bind', nodeIp],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntil(
      async () => {
        if (exited) throw new Error('exited');
        return (await fetch(httpUrl)).ok;
      },
      20_000,
      'livekit-server health',
    );
  } catch (error) {
    await stop();
    throw new Error(`livekit-server did not start: ${String(error)}\n${output.slice(-4000)}`);
  }

  return {
    url: `ws://127.0.0.1:${httpPort}`,
    httpUrl,
    apiKey,
    apiSecret,
    output: () => output,
    stop,
  };
}
