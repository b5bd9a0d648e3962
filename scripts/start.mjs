#!/usr/bin/env node
/**
 * `npm start`: installs what is missing, then runs the whole stack on this machine — LiveKit
 * server, database bootstrap, Next.js app, worker host — until Ctrl-C.
 *
 * Settings (environment): PORT (3000), HOST (127.0.0.1), APP_URL, FACECAST_DATA_DIR (.data),
 * DATABASE_URL (unset = embedded database), WORKER_PORT (7890), LIVEKIT_PORT (7880),
 * LIVEKIT_RTC_TCP_PORT (7881), LIVEKIT_RTC_UDP_PORT (7882), LIVEKIT_PUBLIC_URL; or LIVEKIT_URL
 * + LIVEKIT_API_KEY + LIVEKIT_API_SECRET to use an existing LiveKit server instead.
 */
import path from 'node:path';
import process from 'node:process';
import { colour, seconds, step } from './lib/log.mjs';
import { repoRoot } from './lib/repo.mjs';
import { setup } from './lib/setup.mjs';
import { startStack } from './lib/stack.mjs';
import { describeExit } from './lib/supervisor.mjs';
import { LAUNCH_TOKEN_VARIABLE, startWatchdog } from './lib/watchdog.mjs';

/**
 * @param {string} name
 * @param {number} fallback
 */
function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}=${raw} is not a port number (1-65535)`);
  }
  return port;
}

/** @param {string} message */
function fail(message) {
  console.error(`\n${colour('red', 'npm start failed:')} ${message}`);
  process.exit(1);
}

function externalLivekit() {
  const { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret } = process.env;
  if (!url) return undefined;
  if (!apiKey || !apiSecret) {
    throw new Error(
      'LIVEKIT_URL is set: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET too (or unset all three)',
    );
  }
  return { url, apiKey, apiSecret };
}

const started = Date.now();
let options;
try {
  const appPort = portFromEnv('PORT', 3000);
  const host = process.env.HOST || '127.0.0.1';
  options = {
    dataDir: path.resolve(process.env.FACECAST_DATA_DIR || path.join(repoRoot, '.data')),
    appPort,
    appHost: host,
    appUrl: process.env.APP_URL || `http://localhost:${appPort}`,
    workerPort: portFromEnv('WORKER_PORT', 7890),
    livekitPorts: {
      http: portFromEnv('LIVEKIT_PORT', 7880),
      tcp: portFromEnv('LIVEKIT_RTC_TCP_PORT', 7881),
      udp: portFromEnv('LIVEKIT_RTC_UDP_PORT', 7882),
    },
    // Reachable from elsewhere only when the app is.
    livekitBind: host === '0.0.0.0' || host === '::' ? host : '127.0.0.1',
    livekitPublicUrl: process.env.LIVEKIT_PUBLIC_URL || undefined,
    externalLivekit: externalLivekit(),
  };
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

// Nothing this launcher starts may outlive it, even when it is SIGKILLed (decision 026): the
// watchdog stops the stack's process groups, and every process carrying the token, which the
// setup steps (npm ci, next build) inherit through this environment.
const watchdog = startWatchdog();
process.env[LAUNCH_TOKEN_VARIABLE] = watchdog.token;

let livekitServer;
try {
  ({ livekitServer } = await setup({ purpose: 'start', nextBuild: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

step('starting Facecast');
/** @type {import('./lib/stack.mjs').Stack | undefined} */
let stack;
let interrupted = false;
const startup = new AbortController();
const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
  if (interrupted) {
    console.log(`\n${signal} again: killing everything now`);
    stack?.kill();
    process.exit(130);
  }
  interrupted = true;
  console.log(`\n${signal}: stopping Facecast (press Ctrl-C again to kill at once)`);
  if (!stack) {
    startup.abort(); // startStack stops what it started and rejects
    return;
  }
  void stack.stop().then(() => {
    step('stopped');
    process.exit(0);
  });
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

try {
  stack = await startStack({
    ...options,
    livekitServer,
    signal: startup.signal,
    watchdog,
    log: (message) => step(message),
  });
} catch (error) {
  if (interrupted) {
    step('stopped');
    process.exit(130);
  }
  fail(error instanceof Error ? error.message : String(error));
}
if (interrupted) {
  await stack.stop();
  step('stopped');
  process.exit(130);
}

const { bootstrap, urls } = stack;
const demo = bootstrap.demo;
const login = demo?.password
  ? `${demo.email} / ${demo.password}   (the demo admin: change the password after logging in)`
  : 'log in with your account';
const rule = '─'.repeat(72);
console.log(
  [
    '',
    colour('green', rule),
    `  ${colour('bold', 'Facecast is running')} (ready in ${seconds(Date.now() - started)})`,
    '',
    `  Open:      ${colour('bold', urls.app)}`,
    `  Log in:    ${login}`,
    `  Data:      ${bootstrap.dataDir} (${bootstrap.database === 'embedded' ? 'embedded database' : bootstrap.database})`,
    `  LiveKit:   ${urls.livekit}${options?.externalLivekit ? ' (external)' : ''}`,
    `  Worker:    ${urls.worker}`,
    '',
    '  Stop:      press Ctrl-C',
    colour('green', rule),
    '',
  ].join('\n'),
);

const exit = await stack.unexpectedExit;
if (!interrupted) {
  console.error(
    `\n${colour('red', `${exit.name} exited unexpectedly (${describeExit(exit)}); stopping the rest`)}`,
  );
  await stack.stop();
  process.exit(1);
}
