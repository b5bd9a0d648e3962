/**
 * Where the stack started by the global setup lives, as the tests see it. The global setup
 * exports FACECAST_E2E_* variables; Playwright passes them on to its worker processes.
 */
import path from 'node:path';

/** Public URL of the app; `localhost` because the login cookie is issued for APP_URL's host. */
export const E2E_APP_URL = process.env.FACECAST_E2E_APP_URL ?? 'http://localhost:3000';

/**
 * The header a browser sends with writes from the app's own pages. Request contexts that
 * write with the login cookie send it too: without it the app refuses them (same-origin.ts).
 */
export const SAME_ORIGIN = { origin: new URL(E2E_APP_URL).origin };

/** Address of veth0 in the test network namespace (LiveKit's ICE address). */
export const NAMESPACE_NODE_IP = '10.77.0.1';

/** The host's own interface: must never be visible to the suite. */
export const HOST_ETH0_IP = '192.0.2.2';

export interface StackInfo {
  appUrl: string;
  livekitUrl: string;
  /** LiveKit as processes inside the namespace reach it (ws://127.0.0.1:7880). */
  livekitInternalUrl: string;
  dataDir: string;
}

/** The running stack's URLs and data directory; throws outside the suite. */
export function stackInfo(): StackInfo {
  const dataDir = process.env.FACECAST_E2E_DATA_DIR;
  const livekitUrl = process.env.FACECAST_E2E_LIVEKIT_URL;
  const livekitInternalUrl = process.env.FACECAST_E2E_LIVEKIT_INTERNAL_URL;
  if (!dataDir || !livekitUrl || !livekitInternalUrl) {
    throw new Error('FACECAST_E2E_* is not set: run the suite with `npx playwright test`');
  }
  return { appUrl: E2E_APP_URL, livekitUrl, livekitInternalUrl, dataDir };
}

/** Prepared face geometry of an avatar (written by lib/avatars/prepare-portrait.ts). */
export function faceJsonPath(avatarId: string): string {
  return path.join(stackInfo().dataDir, 'avatars', avatarId, 'face.json');
}
