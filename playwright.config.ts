/**
 * End-to-end suite in real Chromium (Debian's /usr/bin/chromium; never `playwright install`).
 *
 * The global setup starts the whole stack once (LiveKit, database, `next start`, worker host)
 * inside the private network namespace the runner is in (see e2e/global-setup.ts); tests get
 * its URLs through FACECAST_E2E_* environment variables. Run it through `npm test -- --only
 * e2e`, or as root:
 *
 *   unshare --net bash -c 'ip link set lo up; ip link add veth0 type veth peer name veth1;
 *     ip addr add 10.77.0.1/24 dev veth0; ip addr add 10.77.0.2/24 dev veth1;
 *     ip link set veth0 up; ip link set veth1 up; npx playwright test'
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE, WEBRTC_PERMISSIONS } from './e2e/support/chromium';
import { E2E_APP_URL } from './e2e/support/stack-info';

process.env.NEXT_TELEMETRY_DISABLED = '1';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  // Two cores: the stack (LiveKit, app, worker sessions) needs the rest of the machine.
  workers: 2,
  fullyParallel: true,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  outputDir: 'test-results',
  use: {
    baseURL: E2E_APP_URL,
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    // Without a media permission Chromium gathers ICE candidates only on the default route's
    // interface, and the test namespace has no default route: no candidate, no connection.
    // With it Chromium uses every interface (loopback and the veth pair). Viewers never
    // capture a camera or microphone; this only widens candidate gathering.
    permissions: WEBRTC_PERMISSIONS,
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'api', testMatch: 'api/**/*.spec.ts' },
    {
      name: 'ui',
      testMatch: 'ui/**/*.spec.ts',
      // After the API tests, so that the frame-rate measurement in the browser does not share
      // two cores with other tests' live sessions (it dropped below 20 fps that way). Use
      // `--project ui --no-deps` to run the UI tests alone.
      dependencies: ['api'],
    },
    {
      name: 'pool-full',
      testMatch: 'pool-full/**/*.spec.ts',
      // Last: it takes every session slot of the stack's worker host for a few seconds.
      dependencies: ['ui'],
    },
    {
      name: 'registration',
      testMatch: 'registration/**/*.spec.ts',
      // Alone after everything else: it switches the installation's registration mode,
      // which would refuse the accounts other tests register. Run it by itself with
      // `--project registration --no-deps`.
      dependencies: ['pool-full'],
    },
    {
      name: 'livekit-restart',
      testMatch: 'livekit-restart/**/*.spec.ts',
      // Last: these specs restart a LiveKit server of their own platform
      // (e2e/support/restartable-platform.ts), and measure the recovery on a machine that is
      // not also running the other projects' sessions.
      dependencies: ['registration'],
    },
  ],
});
