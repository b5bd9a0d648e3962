/**
 * Facecast scaled out on one machine, inside the test network namespace (issue 14 §4): one
 * Redis (Debian's redis-server, no persistence), two LiveKit nodes that form one cluster
 * through it, one PostgreSQL, two app instances on that database (app A speaks to LiveKit
 * node A, app B to node B) and two worker hosts (host A registered with node A, host B with
 * node B), each reporting to both apps.
 *
 * The processes and their environment are the ones `npm start` runs (scripts/lib/stack-env.mjs,
 * scripts/lib/supervisor.mjs, scripts/lib/livekit-config.mjs), only twice over; what differs is
 * the topology, which startStack does not have.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitForHttp } from '../../../scripts/lib/health.mjs';
import { DEV_KEYS, namespaceLivekitConfig, toYaml } from '../../../scripts/lib/livekit-config.mjs';
import { startTestPostgres } from '../../../scripts/lib/postgres-cluster.mjs';
import { loadOrCreateSecrets } from '../../../scripts/lib/secrets.mjs';
import {
  appEnv,
  parseBootstrapOutput,
  workerEnv,
  type Env,
  type StackEnvOptions,
} from '../../../scripts/lib/stack-env.mjs';
import {
  describeExit,
  Supervisor,
  type ManagedProcess,
  type UnexpectedExit,
} from '../../../scripts/lib/supervisor.mjs';
import { freeTcpPort, freeUdpPort, waitUntil } from './ports';

export interface LivekitNode {
  name: string;
  /** ws:// URL of this node (signalling), for apps, hosts and viewers. */
  url: string;
  ports: { http: number; tcp: number; udp: number };
}

export interface AppInstance {
  name: string;
  url: string;
  process: ManagedProcess;
}

export interface HostInstance {
  /** WORKER_NAME: the host id in reports and the pool view. */
  name: string;
  url: string;
  process: ManagedProcess;
  /** Environment it was started with (for a restart). */
  env: Env;
}

export interface MultiNodeStack {
  dataDir: string;
  workerSecret: string;
  livekit: { apiKey: string; apiSecret: string; nodes: [LivekitNode, LivekitNode] };
  apps: [AppInstance, AppInstance];
  hosts: [HostInstance, HostInstance];
  demo: { email: string; password: string };
  /** Resolves when a service dies that the test did not kill itself. */
  unexpectedExit: Promise<UnexpectedExit>;
  /** SIGKILLs one app instance's process group and waits for it to exit. */
  killApp(app: AppInstance): Promise<void>;
  /**
   * SIGTERMs a worker host (it drains for WORKER_DRAIN_SECONDS, hands its sessions back in a
   * last report to every app, and exits) and waits for it to exit.
   */
  drainHost(host: HostInstance): Promise<void>;
  /** Starts a drained host again, same name and settings, and waits for its health check. */
  restartHost(host: HostInstance): Promise<void>;
  stop(): Promise<void>;
}

export interface MultiNodeOptions {
  root: string;
  /** Where every process's prefixed output goes (a log file: it is long). */
  output: NodeJS.WritableStream;
  /** Environment added to the apps' (quotas, bookable slots). */
  appSettings?: Record<string, string>;
  /** Sessions each host runs at most. */
  sessionsPerHost: number;
  healthTimeoutMs?: number;
}

/** Answers once a Redis server on `port` says PONG. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1_000);
    let answer = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts everything; on any failure stops what started and rethrows. */
export async function startMultiNodeStack(options: MultiNodeOptions): Promise<MultiNodeStack> {
  const { root, output } = options;
  const healthTimeoutMs = options.healthTimeoutMs ?? 120_000;
  const dataDir = path.join(root, '.test-data', `multinode-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(dataDir);
  const supervisor = new Supervisor({ output });
  const killed = new Set<string>();
  // A process the test killed on purpose is not a failure of the stack.
  const unexpectedExit = new Promise<UnexpectedExit>((resolve) => {
    void supervisor.unexpectedExit.then((exit) => {
      if (!killed.has(exit.name)) resolve(exit);
    });
  });
  const died = unexpectedExit.then((exit) => {
    throw new Error(`${exit.name} exited during start-up (${describeExit(exit)})`);
  });
  died.catch(() => undefined);
  let postgres: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
  let postgresStarted: Promise<unknown> = Promise.resolve();

  try {
    // Redis: LiveKit's cluster state and message bus. In memory only, loopback only.
    const redisPort = await freeTcpPort();
    supervisor.spawn(
      'redis',
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dataDir,
      ],
      { cwd: dataDir },
    );
    const pgPort = await freeTcpPort();
    postgresStarted = startTestPostgres({
      dir: path.join(dataDir, 'pg'),
      port: pgPort,
    }).then((server) => (postgres = server));
    await waitUntil(() => redisPing(redisPort), 10_000, 'redis-server to answer PING');

    // Two LiveKit nodes: their own ports, the same keys and Redis, the namespace's address.
    const livekitBinary = path.join(root, '.tools', 'bin', 'livekit-server');
    if (!fs.existsSync(livekitBinary))
      throw new Error(`${livekitBinary} is missing: run \`npm run setup\``);
    const appPorts = [await freeTcpPort(), await freeTcpPort()];
    const appUrls = appPorts.map((port) => `http://127.0.0.1:${port}`);
    const nodes: LivekitNode[] = [];
    for (const [index, name] of ['livekit-a', 'livekit-b'].entries()) {
      const ports = {
        http: await freeTcpPort(),
        tcp: await freeTcpPort(),
        udp: await freeUdpPort(),
      };
      const config = namespaceLivekitConfig({
        httpPort: ports.http,
        rtcTcpPort: ports.tcp,
        rtcUdpPort: ports.udp,
        redisAddress: `127.0.0.1:${redisPort}`,
        // Each node tells its own app instance about its rooms.
        webhookUrls: [`${appUrls[index]}/api/livekit/webhook`],
      });
      const configFile = path.join(dataDir, `${name}.yaml`);
      fs.writeFileSync(configFile, toYaml(config), { mode: 0o600 });
      supervisor.spawn(name, livekitBinary, ['--config', configFile], { cwd: dataDir });
      nodes.push({ name, url: `ws://127.0.0.1:${ports.http}`, ports });
    }
    const livekitReady = Promise.all(
      nodes.map((node) =>
        waitForHttp(`http://127.0.0.1:${node.ports.http}/`, {
          what: node.name,
          accept: (status, body) => status === 200 && body.trim() === 'OK',
          timeoutMs: healthTimeoutMs,
          abort: died,
        }),
      ),
    );

    await Promise.race([postgresStarted, died]);
    if (!postgres) throw new Error('PostgreSQL did not start');
    const envFor = (node: LivekitNode, appUrl: string, workerPort = 0): StackEnvOptions => ({
      base: { ...process.env, DATABASE_URL: postgres!.url, ...options.appSettings },
      dataDir,
      secrets,
      appUrl,
      livekit: { publicUrl: node.url, internalUrl: node.url, ...DEV_KEYS },
      workerPort,
    });

    // One database, migrated once (and the demo account and avatar made once).
    let bootstrapStdout = '';
    const bootstrap = supervisor.spawn(
      'bootstrap',
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts', 'bootstrap.ts')],
      {
        cwd: root,
        env: appEnv(envFor(nodes[0]!, appUrls[0]!)),
        oneShot: true,
        onStdoutLine: (line) => (bootstrapStdout += `${line}\n`),
      },
    );
    const bootstrapExit = await Promise.race([bootstrap.exited, died]);
    if (bootstrapExit.code !== 0)
      throw new Error(
        `bootstrap failed (${describeExit({ name: 'bootstrap', ...bootstrapExit })})`,
      );
    const { demo } = parseBootstrapOutput(bootstrapStdout);
    if (!demo?.password) throw new Error('bootstrap made no demo login');
    await livekitReady;

    const apps: AppInstance[] = ['app-a', 'app-b'].map((name, index) => ({
      name,
      url: appUrls[index]!,
      process: supervisor.spawn(
        name,
        process.execPath,
        [
          path.join(root, 'scripts', 'app-server.mjs'),
          '--port',
          String(appPorts[index]),
          '--hostname',
          '127.0.0.1',
        ],
        { cwd: root, env: appEnv(envFor(nodes[index]!, appUrls[index]!)) },
      ),
    }));
    const hosts: HostInstance[] = [];
    const spawnHost = (name: string, env: Env) =>
      supervisor.spawn(
        name,
        process.execPath,
        ['--import', 'tsx', path.join(root, 'worker', 'main.ts')],
        {
          cwd: root,
          env,
        },
      );
    for (const [index, name] of ['host-a', 'host-b'].entries()) {
      const port = await freeTcpPort();
      const env = {
        ...workerEnv({
          ...envFor(nodes[index]!, appUrls[index]!, port),
          // Its own app first: session events go there while it answers, then to the other.
          reportUrls: index === 0 ? appUrls : [...appUrls].reverse(),
        }),
        WORKER_NAME: name,
        WORKER_MAX_SESSIONS: String(options.sessionsPerHost),
        WORKER_PREWARM: '1',
        WORKER_DRAIN_SECONDS: '1',
      };
      hosts.push({ name, url: `http://127.0.0.1:${port}`, process: spawnHost(name, env), env });
    }
    await Promise.all([
      ...apps.map((app) =>
        waitForHttp(`${app.url}/api/health`, {
          what: `${app.name} (/api/health)`,
          timeoutMs: healthTimeoutMs,
          abort: died,
        }),
      ),
      ...hosts.map((host) =>
        waitForHttp(`${host.url}/health`, {
          what: `${host.name} (/health)`,
          timeoutMs: healthTimeoutMs,
          abort: died,
        }),
      ),
    ]);

    const pg = postgres;
    return {
      dataDir,
      workerSecret: secrets.WORKER_SECRET,
      livekit: { ...DEV_KEYS, nodes: [nodes[0]!, nodes[1]!] },
      apps: [apps[0]!, apps[1]!],
      hosts: [hosts[0]!, hosts[1]!],
      demo: { email: demo.email, password: demo.password },
      unexpectedExit,
      killApp: async (app) => {
        killed.add(app.name);
        process.kill(-app.process.pid, 'SIGKILL');
        await app.process.exited;
      },
      drainHost: async (host) => {
        killed.add(host.name);
        // The host process only, as an orchestrator stops a container: the host drains its
        // session processes itself (a signal to its whole group would end them at once).
        process.kill(host.process.pid, 'SIGTERM');
        await host.process.exited;
      },
      restartHost: async (host) => {
        killed.delete(host.name);
        host.process = spawnHost(host.name, host.env);
        await waitForHttp(`${host.url}/health`, {
          what: `${host.name} (/health)`,
          timeoutMs: healthTimeoutMs,
        });
      },
      stop: async () => {
        await supervisor.stop({ graceMs: 5_000 });
        await pg.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await supervisor.stop();
    await postgresStarted.catch(() => undefined);
    await postgres?.stop();
    throw error;
  }
}
