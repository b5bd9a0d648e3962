/**
 * Persistent secrets of a local installation, kept in `<dataDir>/secrets.json` (mode 0600):
 * created with random values on first start, reused afterwards so sessions and tokens survive
 * restarts. Keys added in later versions are filled in without touching existing ones.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/**
 * @typedef {object} Secrets
 * @property {string} AUTH_SECRET signs the app's session cookies
 * @property {string} WORKER_SECRET authenticates the app to the worker host
 * @property {string} LIVEKIT_API_KEY key of the LiveKit server that `npm start` runs
 * @property {string} LIVEKIT_API_SECRET its secret (LiveKit wants >= 32 characters)
 */

/** @type {Record<keyof Secrets, () => string>} */
const generators = {
  AUTH_SECRET: () => crypto.randomBytes(32).toString('base64url'),
  WORKER_SECRET: () => crypto.randomBytes(32).toString('base64url'),
  LIVEKIT_API_KEY: () => `API${crypto.randomBytes(6).toString('hex')}`,
  LIVEKIT_API_SECRET: () => crypto.randomBytes(32).toString('base64url'),
};

/**
 * Loads `<dataDir>/secrets.json`, creating the data dir (0700) and any missing secret.
 * @param {string} dataDir
 * @returns {Secrets}
 */
export function loadOrCreateSecrets(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'secrets.json');
  /** @type {Record<string, unknown>} */
  let stored = {};
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${String(error)}); fix or delete it`);
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      throw new Error(`${file} must hold a JSON object; fix or delete it`);
    }
  }
  /** @type {Record<string, string>} */
  const secrets = {};
  let changed = !fs.existsSync(file);
  for (const [name, generate] of Object.entries(generators)) {
    const value = stored[name];
    if (typeof value === 'string' && value.length > 0) {
      secrets[name] = value;
    } else {
      secrets[name] = generate();
      changed = true;
    }
  }
  if (changed) {
    // Write then rename, so a crash never leaves a half-written secrets file.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify({ ...stored, ...secrets }, null, 2)}\n`, {
      mode: 0o600,
    });
    fs.renameSync(temporary, file);
  }
  // Tighten permissions of a file copied in by hand.
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return /** @type {Secrets} */ (/** @type {unknown} */ (secrets));
}
