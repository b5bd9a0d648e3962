#!/usr/bin/env node
/**
 * `npm test`: setup (incl. chromium and postgresql), then typecheck, lint, unit tests, the
 * data-layer tests on embedded PGlite and on a throwaway PostgreSQL server, the production
 * build, and — inside a private network namespace — the integration and end-to-end suites.
 * Stops at the first failure and prints a summary table.
 *
 *   npm test -- --only unit,db        run only these steps
 *   npm test -- --skip e2e            run all but these
 *   npm test -- --rebuild             run `next build` even when the build is up to date
 *   npm test -- --list                list the steps
 *   npm test -- --only api-schema     schemathesis against the running app's OpenAPI document
 */
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { ensureDebianPackages } from './lib/debian-packages.mjs';
import { ensureLivekitServer } from './lib/livekit-binary.mjs';
import { ensureNativeAddon } from './lib/native-addon.mjs';
import { colour, seconds, step } from './lib/log.mjs';
import { ensureNextBuild, nextEnv } from './lib/next-build.mjs';
import { namespaceEnv, namespaceInvocation, namespaceSupport } from './lib/netns.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';
import { startTestPostgres } from './lib/postgres-cluster.mjs';
import { ensurePrismaClient } from './lib/prisma-client.mjs';
import { npmBin, repoRoot } from './lib/repo.mjs';
import { run } from './lib/run.mjs';
import { ensureSchemathesis } from './lib/schemathesis.mjs';
import { packagesFor, selectSteps, summaryTable, testSteps } from './lib/test-steps.mjs';
import { ensureWorkerBundle } from './lib/worker-bundle.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const s of testSteps) console.log(`${s.name.padEnd(12)} ${s.title}`);
  process.exit(0);
}

/** @param {string} message */
function fail(message) {
  console.error(`${colour('red', 'npm test failed:')} ${message}`);
  process.exit(1);
}

let selected;
try {
  selected = selectSteps({ only: values.only, skip: values.skip });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (selected.length === 0) fail('no step selected');

const started = Date.now();
const needsNamespace = selected.some((s) => s.netns);
const netns = needsNamespace ? namespaceSupport() : null;
if (netns && !netns.ok) fail(netns.reason);

// ---- setup ---------------------------------------------------------------------------------
let livekitServer = '';
try {
  const livekit = needsNamespace ? ensureLivekitServer() : Promise.resolve('');
  livekit.catch(() => {});
  await ensureDebianPackages(packagesFor(selected));
  // Frame stores are memory-mapped through a tiny addon compiled here (decision 005).
  await ensureNativeAddon();
  await ensureNodeModules();
  await ensurePrismaClient();
  // Session processes fork the bundled entry (decision 008); tests run what users run.
  await ensureWorkerBundle();
  // Installed here, outside the namespace: pip needs the package index.
  if (selected.some((s) => s.name === 'api-schema')) await ensureSchemathesis();
  livekitServer = await livekit;
} catch (error) {
  fail(`setup: ${error instanceof Error ? error.message : String(error)}`);
}
const setupMs = Date.now() - started;

// ---- steps ---------------------------------------------------------------------------------
/** Environment of every step: no telemetry, no colour escapes in CI logs. */
const baseEnv = { ...nextEnv(), CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
const exec = (command, args, env = baseEnv) => run(command, args, { cwd: repoRoot, env });

/** Runs a command inside a fresh private network namespace. */
const inNamespace = (/** @type {string} */ command, /** @type {string[]} */ args) => {
  if (!netns?.ok) throw new Error('no namespace support');
  const invocation = namespaceInvocation(command, args, { asRoot: netns.asRoot });
  return exec(
    invocation.command,
    invocation.args,
    namespaceEnv({ ...baseEnv, LIVEKIT_SERVER_BIN: livekitServer }),
  );
};

const withoutDatabaseUrl = () => {
  const env = { ...baseEnv };
  delete env.DATABASE_URL;
  return env;
};

/** @type {Record<string, () => Promise<{ code: number, note?: string, skipped?: boolean }>>} */
const actions = {
  typecheck: () => exec(npmBin('tsc'), ['--noEmit']),
  lint: async () => {
    const eslint = await exec(npmBin('eslint'), ['.', '--max-warnings', '0']);
    return eslint.code !== 0 ? eslint : exec(npmBin('prettier'), ['--check', '.']);
  },
  unit: () => exec(npmBin('vitest'), ['run', '--project', 'unit', '--passWithNoTests']),
  db: () =>
    exec(npmBin('vitest'), ['run', '--project', 'db', '--passWithNoTests'], withoutDatabaseUrl()),
  'db-postgres': async () => {
    const server = await startTestPostgres({ dir: path.join(repoRoot, '.test-data', 'pg') });
    try {
      step(`PostgreSQL test server: ${server.url}`);
      return await exec(npmBin('vitest'), ['run', '--project', 'db', '--passWithNoTests'], {
        ...baseEnv,
        DATABASE_URL: server.url,
      });
    } finally {
      await server.stop();
    }
  },
  build: async () => {
    await ensureNextBuild({ force: values.rebuild });
    return { code: 0 };
  },
  'api-schema': async () => {
    // The step runs the production build like e2e; `--only api-schema` builds it if stale.
    await ensureNextBuild({ force: values.rebuild });
    return inNamespace(npmBin('tsx'), [path.join('scripts', 'api-schema.ts')]);
  },
  integration: () =>
    inNamespace(npmBin('vitest'), [
      'run',
      '--project',
      'integration',
      '--no-file-parallelism',
      '--passWithNoTests',
    ]),
  e2e: async () => {
    const config = ['playwright.config.ts', 'playwright.config.js'].find((f) =>
      fs.existsSync(path.join(repoRoot, f)),
    );
    if (!config) return { code: 0, skipped: true, note: 'no playwright.config.ts yet' };
    return inNamespace(npmBin('playwright'), ['test']);
  },
};

/** @type {import('./lib/test-steps.mjs').StepResult[]} */
const results = [{ name: 'setup', status: 'pass', durationMs: setupMs }];
let failed = false;
for (const info of testSteps) {
  if (!selected.includes(info)) continue;
  if (failed) {
    results.push({ name: info.name, status: 'not run', durationMs: 0 });
    continue;
  }
  step(`${colour('bold', info.name)}: ${info.title}`);
  const stepStarted = Date.now();
  /** @type {{ code: number, note?: string, skipped?: boolean }} */
  let outcome;
  try {
    const action = actions[info.name];
    if (!action) throw new Error(`no action for step ${info.name}`);
    outcome = await action();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    outcome = { code: 1 };
  }
  const durationMs = Date.now() - stepStarted;
  if (outcome.code !== 0) failed = true;
  results.push({
    name: info.name,
    status: outcome.skipped ? 'skipped' : outcome.code === 0 ? 'pass' : 'FAIL',
    durationMs,
    note: outcome.note ?? (outcome.code !== 0 ? `exit ${outcome.code}` : undefined),
  });
}

console.log(`\n${summaryTable(results)}\n`);
const passed = results.filter((r) => r.status === 'pass' && r.name !== 'setup').length;
const failedCount = results.filter((r) => r.status === 'FAIL').length;
console.log(`steps: ${passed} passed, ${failedCount} failed`);
console.log(
  `npm test ${failed ? colour('red', 'FAILED') : colour('green', 'passed')} in ${seconds(Date.now() - started)}`,
);
process.exit(failed ? 1 : 0);
