/**
 * Starts the whole Facecast stack — LiveKit server, database bootstrap, Next.js app, worker
 * host — and waits until each answers its health check. `npm start` uses it on the normal
 * network; the e2e suite's global setup uses it inside the test network namespace
 * (`nodeIp: '10.77.0.1'`), so both run the very same processes with the same environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { waitForHttp } from './health.mjs';
import { DEV_KEYS, livekitConfig, namespaceLivekitConfig, toYaml } from './livekit-config.mjs';
import { assertPortsFree } from './ports.mjs';
import { repoRoot } from './repo.mjs';
import { loadOrCreateSecrets } from './secrets.mjs';
import { appEnv, parseBootstrapOutput, workerEnv } from './stack-env.mjs';
import { describeExit, Supervisor } from './supervisor.mjs';

/**
 * @typedef {object} StackOptions
 * @property {string} dataDir where the database, uploads, secrets and LiveKit config live
 * @property {string} [livekitServer] livekit-server binary; required unless `externalLivekit`
 * @property {string} [root] repository root
 * @property {number} [appPort] default 3000
 * @property {string} [appHost] address the app binds, default 127.0.0.1
 * @property {string} [appUrl] public base URL, default http://localhost:<appPort>
 * @property {number} [workerPort] default 7890
 * @property {{ http?: number, tcp?: number, udp?: number }} [livekitPorts] default 7880/7881/7882
 * @property {string} [livekitBind] address LiveKit's HTTP server binds, default 127.0.0.1
 * @property {string} [livekitPublicUrl] LiveKit URL as browsers reach it, default
 *   ws://localhost:<http port>
 * @property {string} [nodeIp] set inside the test namespace: LiveKit's ICE address, dev keys
 * @property {{ url: string, apiKey: string, apiSecret: string }} [externalLivekit] use this
 *   LiveKit server instead of starting one
 * @property {NodeJS.ProcessEnv} [env] base environment of the children (default process.env)
 * @property {NodeJS.WritableStream} [output] where prefixed child output goes (default stdout)
 * @property {number} [healthTimeoutMs] per service, default 120 s
 * @property {number} [bootstrapTimeoutMs] migrations + first-run demo data, default 10 min
 * @property {(message: string) => void} [log] progress messages
 * @property {AbortSignal} [signal] aborts start-up (Ctrl-C): stops what started, rejects
 * @property {import('./watchdog.mjs').Watchdog} [watchdog] the launcher's, if it started one
 *   already; otherwise the stack starts its own (decision 026)
 */

/**
 * @typedef {object} Stack
 * @property {{ app: string, livekit: string, livekitInternal: string, worker: string }} urls
 * @property {{ dataDir: string, database: string, demo: { email: string, password?: string } | null }} bootstrap
 * @property {Promise<import('./supervisor.mjs').UnexpectedExit>} unexpectedExit resolves when
 *   a service dies while the stack is running
 * @property {(options?: { graceMs?: number }) => Promise<void>} stop stops every process:
 *   SIGTERM, SIGKILL after `graceMs` (default 3 s), gone within 1 s more
 * @property {() => void} kill SIGKILLs every process at once
 * @property {(name: string) => number} pid pid (also process group id) of the service's latest
 *   process: `app`, `worker`, `livekit`, or a worker host added by startWorker
 * @property {() => Promise<void>} startApp starts the app again on the same data directory and
 *   port after it died or was killed (a fault test), and waits for /api/health
 * @property {(options: { port: number, name: string, env?: Record<string, string> }) => Promise<void>} startWorker
 *   starts one more worker host (a second machine's), reporting to this app and LiveKit,
 *   and waits for its /health
 */

/**
 * Rejects when `managed` exits (while its health check is waited for after start-up, when
 * the supervisor's start-up `died` no longer applies).
 * @param {import('./supervisor.mjs').ManagedProcess} managed
 * @param {string} what
 * @returns {Promise<never>}
 */
function exitedEarly(managed, what) {
  return managed.exited.then((exit) => {
    throw new Error(`${what} exited while starting (${describeExit({ name: what, ...exit })})`);
  });
}

/**
 * Starts the stack; on any failure stops what it started and rethrows.
 * @param {StackOptions} options
 * @returns {Promise<Stack>}
 */
export async function startStack(options) {
  const root = options.root ?? repoRoot;
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir);
  const appPort = options.appPort ?? 3000;
  const appHost = options.appHost ?? '127.0.0.1';
  const appUrl = options.appUrl ?? `http://localhost:${appPort}`;
  const workerPort = options.workerPort ?? 7890;
  const lkPorts = { http: 7880, tcp: 7881, udp: 7882, ...options.livekitPorts };
  const livekitBind = options.livekitBind ?? '127.0.0.1';
  const healthTimeoutMs = options.healthTimeoutMs ?? 120_000;

  const secrets = loadOrCreateSecrets(dataDir);
  const external = options.externalLivekit;
  const livekitKeys = external
    ? { apiKey: external.apiKey, apiSecret: external.apiSecret }
    : options.nodeIp
      ? DEV_KEYS
      : { apiKey: secrets.LIVEKIT_API_KEY, apiSecret: secrets.LIVEKIT_API_SECRET };
  const localLivekitUrl = `ws://127.0.0.1:${lkPorts.http}`;
  const livekit = {
    publicUrl: external
      ? external.url
      : (options.livekitPublicUrl ?? `ws://localhost:${lkPorts.http}`),
    internalUrl: external ? external.url : localLivekitUrl,
    ...livekitKeys,
  };
  const envOptions = { base: env, dataDir, secrets, appUrl, livekit, workerPort };

  /** @type {import('./ports.mjs').PortClaim[]} */
  const claims = [
    { port: appPort, host: appHost, protocol: 'tcp', service: 'the app', variable: 'PORT' },
    {
      port: workerPort,
      host: '127.0.0.1',
      protocol: 'tcp',
      service: 'the worker host',
      variable: 'WORKER_PORT',
    },
  ];
  if (!external) {
    claims.push(
      {
        port: lkPorts.http,
        host: livekitBind,
        protocol: 'tcp',
        service: 'LiveKit HTTP/WebSocket',
        variable: 'LIVEKIT_PORT',
      },
      {
        port: lkPorts.tcp,
        host: '0.0.0.0',
        protocol: 'tcp',
        service: 'LiveKit ICE/TCP',
        variable: 'LIVEKIT_RTC_TCP_PORT',
      },
      {
        port: lkPorts.udp,
        host: '0.0.0.0',
        protocol: 'udp',
        service: 'LiveKit ICE/UDP',
        variable: 'LIVEKIT_RTC_UDP_PORT',
      },
    );
  }
  await assertPortsFree(claims);

  const supervisor = new Supervisor({ output: options.output, watchdog: options.watchdog });
  /** The latest process of each long-running service, by name. */
  /** @type {Map<string, import('./supervisor.mjs').ManagedProcess>} */
  const services = new Map();
  // Rejects when a service dies or start-up is aborted: no point waiting for the others then.
  const died = new Promise((_resolve, reject) => {
    void supervisor.unexpectedExit.then((exit) =>
      reject(new Error(`${exit.name} exited during start-up (${describeExit(exit)})`)),
    );
    if (options.signal?.aborted) reject(new Error('start-up interrupted'));
    options.signal?.addEventListener('abort', () => reject(new Error('start-up interrupted')), {
      once: true,
    });
  });
  /** @type {Error | null} */
  let deathError = null;
  died.catch((/** @type {Error} */ error) => (deathError = error));
  try {
    // LiveKit and the database bootstrap are independent: start both at once.
    let livekitReady = Promise.resolve('');
    if (!external) {
      if (!options.livekitServer) throw new Error('startStack: livekitServer is required');
      const configOptions = {
        ...livekitKeys,
        httpPort: lkPorts.http,
        rtcTcpPort: lkPorts.tcp,
        rtcUdpPort: lkPorts.udp,
        webhookUrls: [
          `http://${appHost === '0.0.0.0' ? '127.0.0.1' : appHost}:${appPort}/api/livekit/webhook`,
        ],
      };
      const config = options.nodeIp
        ? namespaceLivekitConfig({
            ...configOptions,
            nodeIp: options.nodeIp,
            bindAddresses: ['127.0.0.1', options.nodeIp],
          })
        : livekitConfig({ ...configOptions, bindAddresses: [livekitBind] });
      const configFile = path.join(dataDir, 'livekit.yaml');
      fs.writeFileSync(configFile, toYaml(config), { mode: 0o600 });
      log(`starting LiveKit (${options.livekitServer}, config ${configFile})`);
      services.set(
        'livekit',
        supervisor.spawn('livekit', options.livekitServer, ['--config', configFile], {
          cwd: dataDir,
          env,
        }),
      );
      livekitReady = waitForHttp(`http://127.0.0.1:${lkPorts.http}/`, {
        what: 'LiveKit',
        accept: (status, body) => status === 200 && body.trim() === 'OK',
        timeoutMs: healthTimeoutMs,
        abort: died,
      });
    }

    log('migrating the database (scripts/bootstrap.ts)');
    const bootstrapScript = path.join(root, 'scripts', 'bootstrap.ts');
    if (!fs.existsSync(bootstrapScript)) throw new Error(`${bootstrapScript} is missing`);
    let bootstrapStdout = '';
    const bootstrap = supervisor.spawn(
      'bootstrap',
      process.execPath,
      ['--import', 'tsx', bootstrapScript],
      {
        cwd: root,
        env: appEnv(envOptions),
        oneShot: true,
        onStdoutLine: (line) => (bootstrapStdout += `${line}\n`),
      },
    );
    const bootstrapTimeoutMs = options.bootstrapTimeoutMs ?? 600_000;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let bootstrapTimer;
    const bootstrapTimeout = new Promise((_resolve, reject) => {
      bootstrapTimer = setTimeout(
        () =>
          reject(
            new Error(`database bootstrap did not finish within ${bootstrapTimeoutMs / 1000} s`),
          ),
        bootstrapTimeoutMs,
      );
    });
    const bootstrapExit = await Promise.race([bootstrap.exited, died, bootstrapTimeout]).finally(
      () => clearTimeout(bootstrapTimer),
    );
    if (bootstrapExit.code !== 0)
      throw new Error(
        `database bootstrap failed (${describeExit({ name: 'bootstrap', ...bootstrapExit })})`,
      );
    const bootstrapResult = parseBootstrapOutput(bootstrapStdout);
    await livekitReady;

    log(`starting the app on ${appHost}:${appPort} and the worker host on 127.0.0.1:${workerPort}`);
    const appHealthHost = appHost === '0.0.0.0' || appHost === '::' ? '127.0.0.1' : appHost;
    const appHealthUrl = `http://${appHealthHost.includes(':') ? `[${appHealthHost}]` : appHealthHost}:${appPort}/api/health`;
    /** Starts the app and waits for /api/health; rejects early if it dies meanwhile. */
    const startApp = async (/** @type {Promise<never>} */ abort) => {
      const managed = supervisor.spawn(
        'app',
        process.execPath,
        [
          path.join(root, 'scripts', 'app-server.mjs'),
          '--port',
          String(appPort),
          '--hostname',
          appHost,
        ],
        { cwd: root, env: appEnv(envOptions) },
      );
      services.set('app', managed);
      await waitForHttp(appHealthUrl, {
        what: 'the app (/api/health)',
        timeoutMs: healthTimeoutMs,
        abort: Promise.race([abort, exitedEarly(managed, 'the app')]),
      });
    };
    /** Starts a worker host on `port` (named `name` in logs and reports) and waits for /health. */
    const startWorker = async (
      /** @type {number} */ port,
      /** @type {string} */ name,
      /** @type {Promise<never>} */ abort,
      /** @type {Record<string, string>} */ extraEnv = {},
    ) => {
      const managed = supervisor.spawn(
        name,
        process.execPath,
        ['--import', 'tsx', path.join(root, 'worker', 'main.ts')],
        { cwd: root, env: { ...workerEnv({ ...envOptions, workerPort: port }), ...extraEnv } },
      );
      services.set(name, managed);
      await waitForHttp(`http://127.0.0.1:${port}/health`, {
        what: `the worker host ${name} (/health)`,
        timeoutMs: healthTimeoutMs,
        abort: Promise.race([abort, exitedEarly(managed, `the worker host ${name}`)]),
      });
    };
    await Promise.all([startApp(died), startWorker(workerPort, 'worker', died)]);
    // A service that died while we waited for the others.
    if (deathError) throw deathError;

    return {
      urls: {
        app: appUrl,
        livekit: livekit.publicUrl,
        livekitInternal: livekit.internalUrl,
        worker: `http://127.0.0.1:${workerPort}`,
      },
      bootstrap: bootstrapResult,
      unexpectedExit: supervisor.unexpectedExit,
      stop: (stopOptions) => supervisor.stop({ ...stopOptions, log }),
      kill: () => supervisor.kill(),
      pid: (name) => {
        const managed = services.get(name);
        if (!managed) throw new Error(`no service named ${name} in this stack`);
        return managed.pid;
      },
      startApp: async () => {
        const previous = services.get('app');
        // A kill is not instant: give the previous process a moment to be gone (its port).
        /** @type {ReturnType<typeof setTimeout> | undefined} */
        let timer;
        const stillRunning = await Promise.race([
          previous?.exited.then(() => false) ?? false,
          new Promise((resolve) => (timer = setTimeout(() => resolve(true), 5_000))),
        ]).finally(() => clearTimeout(timer));
        if (stillRunning) throw new Error('the app is still running: stop or kill it first');
        await startApp(new Promise(() => {}));
      },
      startWorker: async ({ port, name, env: extraEnv }) => {
        if (services.has(name)) throw new Error(`a service named ${name} exists already`);
        await startWorker(port, name, new Promise(() => {}), extraEnv);
      },
    };
  } catch (error) {
    await supervisor.stop({ log });
    // Prefer the process death over the "gave up waiting" it caused.
    throw deathError ?? error;
  }
}
