/**
 * The steps of `npm test`, in order, and the parsing of `--only` / `--skip` filters.
 */

/**
 * @typedef {object} StepInfo
 * @property {string} name used in --only / --skip and in the summary
 * @property {string} title what the step runs
 * @property {boolean} [netns] runs inside the private network namespace
 * @property {'vitest' | 'playwright' | 'junit' | 'counts'} [runner] the report its test count comes from
 *   (test-counts.mjs); steps without one run no tests
 */

/** @type {StepInfo[]} */
export const testSteps = [
  { name: 'typecheck', title: 'tsc --noEmit' },
  { name: 'lint', title: 'eslint . --max-warnings 0, prettier --check .' },
  {
    name: 'deploy',
    title: 'vitest run --project deploy (docker-compose config of deploy/compose.yaml)',
    runner: 'vitest',
  },
  { name: 'unit', title: 'vitest run --project unit', runner: 'vitest' },
  { name: 'db', title: 'vitest run --project db (embedded PGlite)', runner: 'vitest' },
  {
    name: 'db-postgres',
    title: 'vitest run --project db (PostgreSQL server)',
    runner: 'vitest',
  },
  { name: 'build', title: 'next build' },
  {
    name: 'api-schema',
    title: 'schemathesis against /api/v1/openapi.json (network namespace)',
    netns: true,
    runner: 'counts',
  },
  {
    name: 'integration',
    title: 'vitest run --project integration (network namespace)',
    netns: true,
    runner: 'vitest',
  },
  {
    name: 'agents-plugin',
    title: 'plugins/livekit-agents with @livekit/agents against the stack (network namespace)',
    netns: true,
    runner: 'junit',
  },
  { name: 'e2e', title: 'playwright test (network namespace)', netns: true, runner: 'playwright' },
];

/**
 * Selects steps from `--only a,b` / `--skip c` values; `db` in --only also matches nothing
 * else (use `db,db-postgres` for both). Throws on unknown names.
 * @param {{ only?: string, skip?: string }} filters
 * @returns {StepInfo[]}
 */
export function selectSteps(filters) {
  const known = new Set(testSteps.map((s) => s.name));
  const parse = (/** @type {string | undefined} */ value) => {
    const names = (value ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!known.has(name)) {
        throw new Error(`unknown step "${name}"; steps are: ${[...known].join(', ')}`);
      }
    }
    return new Set(names);
  };
  const only = parse(filters.only);
  const skip = parse(filters.skip);
  return testSteps.filter((s) => (only.size === 0 || only.has(s.name)) && !skip.has(s.name));
}

/**
 * Debian packages the selected steps need.
 * @param {StepInfo[]} steps
 */
export function packagesFor(steps) {
  const names = new Set(steps.map((s) => s.name));
  /** @type {string[]} */
  // pocketsphinx: the worker's offline speech recogniser (worker/listening), tested in unit.
  const required = ['ffmpeg', 'pocketsphinx', 'pocketsphinx-en-us'];
  if (names.has('integration') || names.has('e2e')) required.unshift('chromium');
  // The multi-node integration test runs PostgreSQL and Redis (LiveKit's cluster) too.
  if (names.has('db-postgres') || names.has('integration')) required.push('postgresql');
  if (names.has('integration')) required.push('redis-server');
  // Debian's docker-compose resolves deploy/compose.yaml (`docker-compose config`).
  if (names.has('deploy')) required.push('docker-compose');
  return { required, optional: [] };
}

/**
 * @typedef {object} StepResult
 * @property {string} name
 * @property {'pass' | 'FAIL' | 'skipped' | 'not run'} status
 * @property {number} durationMs
 * @property {string} [note]
 */

/**
 * The end-of-run table: step, result, seconds.
 * @param {StepResult[]} results
 */
export function summaryTable(results) {
  const width = Math.max(...results.map((r) => r.name.length), 'step'.length);
  const lines = [`${'step'.padEnd(width)}  result   seconds`];
  for (const r of results) {
    const secondsText = r.status === 'not run' ? '' : (r.durationMs / 1000).toFixed(1).padStart(7);
    lines.push(
      `${r.name.padEnd(width)}  ${r.status.padEnd(7)}  ${secondsText}${r.note ? `  ${r.note}` : ''}`.trimEnd(),
    );
  }
  return lines.join('\n');
}
