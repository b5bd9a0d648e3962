/**
 * The environment each process of the stack gets. Pure functions of the stack's settings, so
 * `npm start` and the e2e suite hand the app and the worker exactly the same variables.
 */

/**
 * @typedef {object} LivekitEndpoint
 * @property {string} publicUrl ws(s):// URL as browsers reach it
 * @property {string} internalUrl ws(s):// URL as the worker reaches it
 * @property {string} apiKey
 * @property {string} apiSecret
 */

/**
 * @typedef {object} StackEnvOptions
 * @property {NodeJS.ProcessEnv} base the launcher's own environment (PATH, HOME, user settings)
 * @property {string} dataDir
 * @property {{ AUTH_SECRET: string, WORKER_SECRET: string }} secrets
 * @property {string} appUrl public base URL of the app (http://localhost:3000)
 * @property {LivekitEndpoint} livekit
 * @property {number} workerPort
 * @property {string} [workerHost] address the worker binds (default 127.0.0.1)
 * @property {string[]} [reportUrls] every app instance the worker host reports to (its
 *   FACECAST_APP_URL list), default `[appUrl]`
 */

/** Variables the launcher sets itself; stale values from the caller's shell must not leak. */
const managed = [
  'FACECAST_DATA_DIR',
  'AUTH_SECRET',
  'APP_URL',
  'LIVEKIT_URL',
  'LIVEKIT_API_KEY',
  'LIVEKIT_API_SECRET',
  'WORKER_URL',
  'WORKER_PORT',
  'WORKER_HOST',
  'WORKER_SECRET',
  'NODE_ENV',
  'PORT',
  'HOSTNAME',
];

/** @param {NodeJS.ProcessEnv} base */
function cleanBase(base) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...base };
  for (const name of managed) delete env[name];
  env.NEXT_TELEMETRY_DISABLED = '1';
  return env;
}

/** URL of the worker host's HTTP API (health, metrics). @param {StackEnvOptions} options */
export function workerUrl(options) {
  return `http://${options.workerHost ?? '127.0.0.1'}:${options.workerPort}`;
}

/**
 * Environment of the Next.js app (and of scripts/bootstrap.ts, which shares its config).
 * DATABASE_URL passes through only when the user set it; unset means embedded PGlite.
 * @param {StackEnvOptions} options
 */
export function appEnv(options) {
  const env = cleanBase(options.base);
  if (!env.DATABASE_URL) delete env.DATABASE_URL;
  return {
    ...env,
    NODE_ENV: 'production',
    FACECAST_DATA_DIR: options.dataDir,
    AUTH_SECRET: options.secrets.AUTH_SECRET,
    APP_URL: options.appUrl,
    LIVEKIT_URL: options.livekit.publicUrl,
    LIVEKIT_API_KEY: options.livekit.apiKey,
    LIVEKIT_API_SECRET: options.livekit.apiSecret,
    WORKER_SECRET: options.secrets.WORKER_SECRET,
  };
}

/**
 * Environment of the worker host. It holds no database connection, so no DATABASE_URL.
 * @param {StackEnvOptions} options
 */
export function workerEnv(options) {
  const env = cleanBase(options.base);
  delete env.DATABASE_URL;
  return {
    ...env,
    NODE_ENV: 'production',
    FACECAST_DATA_DIR: options.dataDir,
    LIVEKIT_URL: options.livekit.internalUrl,
    LIVEKIT_API_KEY: options.livekit.apiKey,
    LIVEKIT_API_SECRET: options.livekit.apiSecret,
    WORKER_PORT: String(options.workerPort),
    WORKER_HOST: options.workerHost ?? '127.0.0.1',
    WORKER_SECRET: options.secrets.WORKER_SECRET,
    // The host reports its capacity and sessions to the app (every instance of it).
    FACECAST_APP_URL: (options.reportUrls ?? [options.appUrl]).join(','),
  };
}

/**
 * Parses scripts/bootstrap.ts's result line, the last stdout line that is a JSON object with
 * `dataDir`: `{"dataDir":"…","database":"embedded|postgresql","demo":{"email":"…","password":"…"}|null}`.
 * Log lines (pino writes asynchronously, so one may land after the result) are skipped.
 * @param {string} stdout
 * @returns {{ dataDir: string, database: string, demo: { email: string, password?: string } | null }}
 */
export function parseBootstrapOutput(stdout) {
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  /** @type {any} */
  let parsed;
  for (const line of [...lines].reverse()) {
    try {
      const value = JSON.parse(line.trim());
      if (typeof value === 'object' && value !== null && typeof value.dataDir === 'string') {
        parsed = value;
        break;
      }
    } catch {
      // Not JSON: keep looking.
    }
  }
  if (!parsed) {
    throw new Error(
      `bootstrap did not print its JSON result line with dataDir (last line: ${JSON.stringify(last.slice(0, 200))})`,
    );
  }
  const demo =
    parsed.demo && typeof parsed.demo === 'object' && typeof parsed.demo.email === 'string'
      ? parsed.demo
      : null;
  return { dataDir: parsed.dataDir, database: String(parsed.database ?? 'unknown'), demo };
}
