#!/usr/bin/env node
/**
 * `npm run setup [-- --for start|test]`: installs what the stack needs, idempotently.
 * Default: everything (test packages and the Next.js build).
 * Runs before `npm ci` on a fresh clone, so it uses node: built-ins only.
 */
import process from 'node:process';
import { parseArgs } from 'node:util';
import { colour, seconds, step } from './lib/log.mjs';
import { setup } from './lib/setup.mjs';

const { values } = parseArgs({ options: { for: { type: 'string', default: 'all' } } });
const purpose = values.for;
if (purpose !== 'start' && purpose !== 'test' && purpose !== 'all') {
  console.error('usage: npm run setup [-- --for start|test|all]');
  process.exit(2);
}

const started = Date.now();
try {
  await setup({ purpose: purpose === 'start' ? 'start' : 'test', nextBuild: purpose !== 'test' });
  step(`setup complete in ${seconds(Date.now() - started)}`);
} catch (error) {
  console.error(
    `${colour('red', 'setup failed:')} ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
