#!/usr/bin/env node
/**
 * `npm test`: setup (incl. chromium and postgresql), then typecheck, lint, the container
 * deployment's compose file (deploy/), unit tests, the
 * data-layer tests on embedded PGlite and on a throwaway PostgreSQL server, the production
 * build, and — inside a private network namespace — the integration and end-to-end suites.
 * Stops at the first failure and prints a summary table.
 *
 *   npm test -- --only unit,db        run only these steps
 *   npm test -- --skip e2e            run all but these
 *   npm test -- --rebuild             run `next build` even when the build is up to date
 *   npm test -- --list                list the steps
 *   npm test -- --only api-schema     schemathesis against the running app's OpenAPI document
 *   npm test -- --only agents-plugin  the Node plugin with @livekit/agents against the stack
 *   npm test -- --only e2e e2e/api/x.spec.ts
 *                                     file filters go to the test runner (vitest, playwright);
 *                                     after `--`, options too (`-- --grep "scopes"`)
 *
 * Closes with `tests: N passed, N failed, N skipped`: the tests every runner ran, summed.
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
import { ensureAgentsPlugin } from './lib/agents-plugin.mjs';
import { ensureAgentsPython } from './lib/agents-python.mjs';
import { addCounts, countsLine, noTests, readCounts, reportPath } from './lib/test-counts.mjs';
import { packagesFor, selectSteps, summaryTable, testSteps } from './lib/test-steps.mjs';
import { ensureWorkerBundle } from './lib/worker-bundle.mjs';

const { values, positionals: fileFilters } = parseArgs({
  allowPositionals: true,
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
  // The plugin's own node_modules (@livekit/agents, rtc-node 0.13) and build, from npm too;
  // lint needs them as well, to resolve the plugin's types.
  if (selected.some((s) => s.name === 'agents-plugin' || s.name === 'lint')) {
    await ensureAgentsPlugin();
  }
  if (selected.some((s) => s.name === 'agents-plugin')) await ensureAgentsPython();
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

/**
 * Runs a command inside a fresh private network namespace.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [extraEnv]
 */
const inNamespace = (command, args, extraEnv = {}) => {
  if (!netns?.ok) throw new Error('no namespace support');
  const invocation = namespaceInvocation(command, args, { asRoot: netns.asRoot });
  return exec(
    invocation.command,
    invocation.args,
    namespaceEnv({ ...baseEnv, ...extraEnv, LIVEKIT_SERVER_BIN: livekitServer }),
  );
};

const withoutDatabaseUrl = () => {
  const env = { ...baseEnv };
  delete env.DATABASE_URL;
  return env;
};

/** Where each step's runner writes its machine-readable report (see test-counts.mjs). */
const reportsDir = path.join(repoRoot, '.test-data', 'reports');

/**
 * vitest with its usual output plus a JSON report for the counts.
 * @param {string} project
 * @param {string} report
 * @param {string[]} [extra]
 */
const vitestArgs = (project, report, extra = []) => [
  'run',
  '--project',
  project,
  ...extra,
  ...fileFilters,
  '--passWithNoTests',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
];

/**
 * What each step runs; `report` is the file its runner writes counts to.
 * @type {Record<string, (report: string) => Promise<{ code: number, note?: string, skipped?: boolean }>>}
 */
const actions = {
  typecheck: () => exec(npmBin('tsc'), ['--noEmit']),
  lint: async () => {
    const eslint = await exec(npmBin('eslint'), ['.', '--max-warnings', '0']);
    return eslint.code !== 0 ? eslint : exec(npmBin('prettier'), ['--check', '.']);
  },
  deploy: (report) => exec(npmBin('vitest'), vitestArgs('deploy', report)),
  unit: (report) => exec(npmBin('vitest'), vitestArgs('unit', report)),
  db: (report) => exec(npmBin('vitest'), vitestArgs('db', report), withoutDatabaseUrl()),
  'db-postgres': async (report) => {
    const server = await startTestPostgres({ dir: path.join(repoRoot, '.test-data', 'pg') });
    try {
      step(`PostgreSQL test server: ${server.url}`);
      return await exec(npmBin('vitest'), vitestArgs('db', report), {
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
  'api-schema': async (report) => {
    // The step runs the production build like e2e; `--only api-schema` builds it if stale.
    await ensureNextBuild({ force: values.rebuild });
    return inNamespace(npmBin('tsx'), [path.join('scripts', 'api-schema.ts')], {
      FACECAST_TEST_COUNTS_FILE: report,
    });
  },
  'agents-plugin': async (report) => {
    // The stack runs the production build like e2e; `--only agents-plugin` builds it if stale.
    await ensureNextBuild({ force: values.rebuild });
    return inNamespace(npmBin('tsx'), [path.join('scripts', 'agents-plugin.ts'), ...fileFilters], {
      FACECAST_TEST_JUNIT_FILE: report,
    });
  },
  integration: (report) =>
    inNamespace(npmBin('vitest'), vitestArgs('integration', report, ['--no-file-parallelism'])),
  e2e: async (report) => {
    const config = ['playwright.config.ts', 'playwright.config.js'].find((f) =>
      fs.existsSync(path.join(repoRoot, f)),
    );
    if (!config) return { code: 0, skipped: true, note: 'no playwright.config.ts yet' };
    return inNamespace(
      npmBin('playwright'),
      [
        'test',
        '--reporter=list,json',
        // A filter runs what it names, not the projects the config orders before it.
        ...(fileFilters.length > 0 ? ['--no-deps', ...fileFilters] : []),
      ],
      {
        PLAYWRIGHT_JSON_OUTPUT_FILE: report,
      },
    );
  },
};

/** @type {import('./lib/test-steps.mjs').StepResult[]} */
const results = [{ name: 'setup', status: 'pass', durationMs: setupMs }];
let failed = false;
let tests = noTests();
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
  const report = reportPath(reportsDir, info.name);
  try {
    const action = actions[info.name];
    if (!action) throw new Error(`no action for step ${info.name}`);
    outcome = await action(report);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    outcome = { code: 1 };
  }
  const counts = info.runner ? readCounts(info.runner, report) : null;
  if (counts) tests = addCounts(tests, counts);
  // A runner that failed with no failed test (no report, no test found, a crash) counts as one.
  if (info.runner && outcome.code !== 0 && !counts?.failed) {
    tests = addCounts(tests, { ...noTests(), failed: 1 });
  }
  const durationMs = Date.now() - stepStarted;
  if (outcome.code !== 0) failed = true;
  results.push({
    name: info.name,
    status: outcome.skipped ? 'skipped' : outcome.code === 0 ? 'pass' : 'FAIL',
    durationMs,
    note:
      outcome.note ??
      (outcome.code !== 0
        ? `exit ${outcome.code}`
        : counts
          ? `${counts.passed} passed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`
          : undefined),
  });
}

console.log(`\n${summaryTable(results)}\n`);
const passed = results.filter((r) => r.status === 'pass' && r.name !== 'setup').length;
const failedCount = results.filter((r) => r.status === 'FAIL').length;
console.log(
  `npm test ${failed ? colour('red', 'FAILED') : colour('green', 'passed')} in ${seconds(Date.now() - started)}: ${passed} of ${results.length - 1} steps passed, ${failedCount} failed`,
);
// The closing line: every test the runners ran, summed (typecheck, lint and build are not tests).
console.log(countsLine(tests));
process.exit(failed ? 1 : 0);
