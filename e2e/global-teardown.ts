/**
 * Stops the stack started by global-setup.ts (kept on globalThis in the runner process) and
 * removes its data directory, unless FACECAST_E2E_KEEP_DATA=1 (to read stack.log afterwards).
 */
import fs from 'node:fs';
import type { Stack } from '../scripts/lib/stack.mjs';
import { STACK_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Record<symbol, unknown>;
  const stack = holder[STACK_KEY] as Stack | undefined;
  if (!stack) return;
  delete holder[STACK_KEY];
  await stack.stop({ graceMs: 10_000 });
  const dataDir = process.env.FACECAST_E2E_DATA_DIR;
  if (dataDir && process.env.FACECAST_E2E_KEEP_DATA !== '1') {
    fs.rmSync(dataDir, { recursive: true, force: true });
  } else if (dataDir) {
    process.stdout.write(`e2e: kept ${dataDir}\n`);
  }
}
