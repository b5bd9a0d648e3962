/**
 * How many tests each `npm test` step ran, read from the machine-readable reports its runner
 * writes beside its usual output: vitest's JSON reporter, Playwright's JSON reporter,
 * schemathesis's JUnit report (one test per API operation) and node's test runner's JUnit
 * reporter (the agents plugin's tests). `npm test` closes with the sum on
 * one plain line, `tests: N passed, N failed, N skipped`, so a reader of the log (or a CI that
 * looks at the closing line) sees how many tests ran, not only how many steps.
 */
import fs from 'node:fs';
import path from 'node:path';

/** @typedef {{ passed: number, failed: number, skipped: number }} TestCounts */

/** @returns {TestCounts} */
export const noTests = () => ({ passed: 0, failed: 0, skipped: 0 });

/**
 * @param {TestCounts} a
 * @param {TestCounts} b
 * @returns {TestCounts}
 */
export const addCounts = (a, b) => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
});

/** @param {TestCounts} counts */
export const countsLine = (counts) =>
  `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;

/** @param {string} file */
function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * vitest `--reporter=json`: numPassedTests / numFailedTests / numPendingTests / numTodoTests.
 * @param {string} file
 * @returns {TestCounts}
 */
export function vitestCounts(file) {
  const report = readJson(file);
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/**
 * Playwright's JSON reporter: stats.expected (passed), unexpected (failed), flaky (passed on a
 * retry: counted as passed), skipped.
 * @param {string} file
 * @returns {TestCounts}
 */
export function playwrightCounts(file) {
  const { stats } = readJson(file);
  return {
    passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0),
    failed: stats?.unexpected ?? 0,
    skipped: stats?.skipped ?? 0,
  };
}

/**
 * A JUnit XML report (schemathesis writes one test case per API operation): the attributes of
 * every <testsuite>.
 * @param {string} xml
 * @returns {TestCounts}
 */
export function junitCounts(xml) {
  const counts = noTests();
  for (const [, attributes] of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const number = (/** @type {string} */ name) =>
      Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    const failed = number('failures') + number('errors');
    const skipped = number('skipped');
    counts.failed += failed;
    counts.skipped += skipped;
    counts.passed += Math.max(0, number('tests') - failed - skipped);
  }
  return counts;
}

/**
 * The counts a step left in `file`, or null when it left none (a step that crashed before its
 * runner wrote a report).
 * @param {'vitest' | 'playwright' | 'junit' | 'counts'} kind `junit` is a JUnit XML report
 *   (`node --test --test-reporter=junit`: one <testsuite> per describe), `counts` a TestCounts
 *   JSON file
 * @param {string} file
 * @returns {TestCounts | null}
 */
export function readCounts(kind, file) {
  if (!fs.existsSync(file)) return null;
  try {
    if (kind === 'vitest') return vitestCounts(file);
    if (kind === 'playwright') return playwrightCounts(file);
    if (kind === 'junit') return junitCounts(fs.readFileSync(file, 'utf8'));
    return { ...noTests(), ...readJson(file) };
  } catch {
    return null;
  }
}

/**
 * A fresh path for a step's report under `dir` (left there after the run for a look).
 * @param {string} dir
 * @param {string} stepName
 */
export function reportPath(dir, stepName) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stepName}.json`);
  fs.rmSync(file, { force: true });
  return file;
}
