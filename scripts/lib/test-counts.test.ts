import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { plainBanner } from './schemathesis.mjs';
import { addCounts, countsLine, junitCounts, noTests, readCounts } from './test-counts.mjs';

const dirs: string[] = [];
function file(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counts-'));
  dirs.push(dir);
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('test counts', () => {
  it('reads vitest, Playwright and JUnit reports', () => {
    const vitest = file(
      'v.json',
      JSON.stringify({ numPassedTests: 7, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1 }),
    );
    expect(readCounts('vitest', vitest)).toEqual({ passed: 7, failed: 1, skipped: 3 });
    const playwright = file(
      'p.json',
      JSON.stringify({ stats: { expected: 60, unexpected: 2, flaky: 1, skipped: 4 } }),
    );
    expect(readCounts('playwright', playwright)).toEqual({ passed: 61, failed: 2, skipped: 4 });
    const xml =
      '<?xml version="1.0"?><testsuites><testsuite name="schemathesis" tests="46" failures="2" errors="1" skipped="3"><testcase name="GET /a"/></testsuite></testsuites>';
    expect(junitCounts(xml)).toEqual({ passed: 40, failed: 3, skipped: 3 });
    // node --test --test-reporter=junit: one <testsuite> per describe, no errors attribute.
    const nodeTest = file(
      'n.xml',
      '<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n\t<testsuite name="plugin" time="1" disabled="0" errors="0" tests="3" failures="1" skipped="1" hostname="vm">\n\t\t<testcase name="one" time="0.1" classname="test"/>\n\t</testsuite>\n</testsuites>',
    );
    expect(readCounts('junit', nodeTest)).toEqual({ passed: 1, failed: 1, skipped: 1 });
  });

  it('knows a missing or broken report from an empty run', () => {
    expect(readCounts('vitest', '/nonexistent/report.json')).toBeNull();
    expect(readCounts('playwright', file('bad.json', '{'))).toBeNull();
    expect(readCounts('counts', file('c.json', '{"passed":3}'))).toEqual({
      passed: 3,
      failed: 0,
      skipped: 0,
    });
  });

  it('closes on one plain line with the sum', () => {
    const sum = addCounts(addCounts(noTests(), { passed: 5, failed: 0, skipped: 1 }), {
      passed: 2,
      failed: 1,
      skipped: 0,
    });
    expect(countsLine(sum)).toBe('tests: 7 passed, 1 failed, 1 skipped');
  });

  it("rewrites schemathesis's pytest-style closing banner, and nothing else", () => {
    expect(plainBanner('============ 2 warnings in 30.56s ============')).toBe(
      'schemathesis: 2 warnings in 30.56s',
    );
    expect(plainBanner('Test cases:')).toBe('Test cases:');
    expect(plainBanner('  2019 generated, 2019 passed')).toBe('  2019 generated, 2019 passed');
  });
});
