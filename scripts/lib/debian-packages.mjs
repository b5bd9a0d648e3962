/**
 * Debian packages the stack needs, installed with apt when missing: ffmpeg (ffprobe/ffmpeg read
 * uploaded avatar videos; `npm run render` writes MP4), pocketsphinx with its US English model
 * (offline speech recognition for voice input), chromium (browser tests), postgresql
 * (the PostgreSQL run of the data-layer tests and the multi-node integration test), redis-server
 * (LiveKit's multi-node mode in that test), docker-compose (`docker-compose config` of
 * deploy/compose.yaml, the deploy step), and gcc when no C compiler exists (native-addon.mjs
 * builds the frame-store mapping addon with it; it asks for `nativeAddonPackages`).
 */
import process from 'node:process';
import { detail, seconds, step, warn } from './log.mjs';
import { isRoot, probe, run, which } from './run.mjs';

/** Which packages each caller needs. Optional ones only warn when they cannot be installed. */
export const packageSets = {
  // Video avatars are prepared with ffprobe/ffmpeg, so the app needs them; worker hosts
  // recognise viewers' speech offline with pocketsphinx (docs/decisions/011).
  start: { required: ['ffmpeg', 'pocketsphinx', 'pocketsphinx-en-us'], optional: [] },
  test: {
    required: [
      'chromium',
      'ffmpeg',
      'postgresql',
      'redis-server',
      'pocketsphinx',
      'pocketsphinx-en-us',
      'docker-compose',
    ],
    optional: [],
  },
};

/** What native-addon.mjs installs when `cc` is missing: the C compiler for the mmap addon. */
export const nativeAddonPackages = { required: ['gcc'], optional: [] };

/**
 * True when dpkg reports the package as installed.
 * @param {string} name
 */
export function isInstalled(name) {
  const status = probe('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name]);
  return status !== null && status.startsWith('ii');
}

/**
 * How this process can run apt: directly as root, through sudo without a password prompt
 * (or with one when a person is at the terminal), or not at all.
 * @returns {{ prefix: string[] } | null}
 */
export function aptRunner() {
  if (isRoot()) return { prefix: [] };
  if (!which('sudo')) return null;
  if (probe('sudo', ['-n', 'true']) !== null)
    return { prefix: ['sudo', 'DEBIAN_FRONTEND=noninteractive'] };
  const interactive = Boolean(process.stdin.isTTY) && !process.env.CI;
  return interactive ? { prefix: ['sudo', 'DEBIAN_FRONTEND=noninteractive'] } : null;
}

/**
 * The command line a person should run to install the packages, for messages.
 * @param {string[]} names
 */
export function aptCommand(names) {
  return `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${names.join(' ')}`;
}

/**
 * Installs the missing packages of the set. Missing required packages that cannot be
 * installed throw; missing optional ones only warn.
 * @param {{ required: string[], optional: string[] }} set
 */
export async function ensureDebianPackages(set) {
  const wanted = [...set.required, ...set.optional];
  if (wanted.length === 0) return;
  if (!which('dpkg-query') || !which('apt-get')) {
    warn(`not a Debian/Ubuntu system: make sure these are installed: ${wanted.join(', ')}`);
    return;
  }
  const missing = wanted.filter((name) => !isInstalled(name));
  if (missing.length === 0) {
    step(`Debian packages: ${wanted.join(', ')} installed`);
    return;
  }
  const runner = aptRunner();
  if (!runner) {
    const message = `missing Debian packages: ${missing.join(', ')}. Run:\n    ${aptCommand(missing)}`;
    if (missing.some((name) => set.required.includes(name))) throw new Error(message);
    warn(message);
    return;
  }
  step(`Debian packages: installing ${missing.join(', ')} with apt-get (a few minutes)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (/** @type {string[]} */ args) => {
    const [command = 'apt-get', ...rest] = [...runner.prefix, 'apt-get', ...args];
    return run(command, rest, { env });
  };
  const started = Date.now();
  const update = await apt(['update']);
  if (update.code !== 0) warn('apt-get update failed; trying the install anyway');
  const install = await apt(['install', '-y', ...missing]);
  if (install.code !== 0) {
    const message = `apt-get install ${missing.join(' ')} failed (exit ${install.code})`;
    if (missing.some((name) => set.required.includes(name))) throw new Error(message);
    warn(message);
    return;
  }
  detail(`installed in ${seconds(Date.now() - started)}`);
}
