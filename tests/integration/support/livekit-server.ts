/**
 * Starts a real LiveKit server (the binary built from the Go module proxy into .tools/bin) on
 * free ports with a temporary config, and waits until it answers. It can be killed and
 * started again on the same ports and config (a server restart: its rooms and registered
 * agent workers are gone, clients must come back to it).
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
  /** Everything the server printed (all runs), for failure messages. */
  output(): string;
  /**
   * Ends the server with `signal` (SIGTERM lets it close rooms; SIGKILL drops everything),
   * waits for it to exit, and resolves then. Its rooms and agent workers are gone with it.
   */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /**
   * Starts the server again on the same ports and config (after `kill`); resolves once it
   * answers HTTP, with the time (performance.now, ms) it first did.
   */
  start(): Promise<number>;
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

  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  const httpUrl = `http://127.0.0.1:${httpPort}`;

  interface Run {
    child: ChildProcess;
    exited: boolean;
    exitedPromise: Promise<void>;
  }
  let run: Run | undefined;

  /** Spawns one server process and waits until it answers; returns when it first did. */
  const spawnServer = async (): Promise<number> => {
    const child = spawn(
      livekitServerBinary(),
      ['--config', configPath, '--bind', '127.0.0.1', '--bind', nodeIp],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const current: Run = {
      child,
      exited: false,
      exitedPromise: new Promise<void>((resolve) =>
        child.once('exit', () => {
          current.exited = true;
          resolve();
        }),
      ),
    };
    run = current;
    let answeredAtMs = 0;
    await waitUntil(
      async () => {
        if (current.exited) throw new Error('exited');
        if (!(await fetch(httpUrl)).ok) return false;
        answeredAtMs = performance.now();
        return true;
      },
      20_000,
      'livekit-server health',
    ).catch((error: unknown) => {
      throw new Error(`livekit-server did not start: ${String(error)}\n${output.slice(-4000)}`);
    });
    return answeredAtMs;
  };

  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const current = run;
    if (!current || current.exited) return;
    current.child.kill(signal);
    // On SIGTERM the server drains: it waits for every participant to leave. A second signal
    // forces it (cmd/server/main.go), as a service manager's restart would; SIGKILL last.
    const force = setTimeout(() => current.child.kill('SIGTERM'), 1_000);
    const timer = setTimeout(() => current.child.kill('SIGKILL'), 10_000);
    await current.exitedPromise;
    clearTimeout(force);
    clearTimeout(timer);
  };

  const stop = async () => {
    await kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await spawnServer();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `ws://127.0.0.1:${httpPort}`,
    httpUrl,
    apiKey,
    apiSecret,
    output: () => output,
    kill,
    start: async () => {
      if (run && !run.exited) throw new Error('livekit-server is still running; kill it first');
      return spawnServer();
    },
    stop,
  };
}
