/**
 * Everything a fresh clone needs before it can start or be tested, each part skipped when
 * already present: Debian packages, the native frame-store mapping addon, npm dependencies,
 * the LiveKit server, the Prisma client, the bundled worker entries, and (for `npm start`)
 * the Next.js production build.
 */
import { ensureDebianPackages, packageSets } from './debian-packages.mjs';
import { ensureLivekitServer } from './livekit-binary.mjs';
import { ensureNativeAddon } from './native-addon.mjs';
import { ensureNextBuild } from './next-build.mjs';
import { ensureNodeModules } from './npm-deps.mjs';
import { ensurePrismaClient } from './prisma-client.mjs';
import { repoRoot } from './repo.mjs';
import { ensureWorkerBundle } from './worker-bundle.mjs';

/**
 * @typedef {object} SetupOptions
 * @property {'start' | 'test'} purpose which Debian packages are needed (see packageSets)
 * @property {boolean} [nextBuild] also run `next build` when stale
 * @property {string} [root]
 */

/**
 * Runs every setup step; throws on the first one that fails.
 * @param {SetupOptions} options
 * @returns {Promise<{ livekitServer: string }>}
 */
export async function setup({ purpose, nextBuild = false, root = repoRoot }) {
  // The LiveKit build is minutes of mostly-quiet compiling: overlap it with apt and npm ci.
  const livekit = ensureLivekitServer(root);
  // Keep the rejection handled until it is awaited below.
  livekit.catch(() => {});
  await ensureDebianPackages(packageSets[purpose]);
  // Worker processes map avatar frame stores through this addon (installs gcc if needed).
  await ensureNativeAddon(root);
  await ensureNodeModules(root);
  await ensurePrismaClient(root);
  // Session processes and their threads run bundled JavaScript, not tsx (decision 008).
  await ensureWorkerBundle(root);
  const livekitServer = await livekit;
  if (nextBuild) await ensureNextBuild({ root });
  return { livekitServer };
}
