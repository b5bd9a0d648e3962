import { describe, expect, it } from 'vitest';
import { packagesFor, selectSteps, summaryTable, testSteps } from './test-steps.mjs';

const names = (steps: { name: string }[]) => steps.map((s) => s.name);

describe('selectSteps', () => {
  it('runs everything in order by default', () => {
    expect(names(selectSteps({}))).toEqual(names(testSteps));
    expect(names(testSteps)).toEqual([
      'typecheck',
      'lint',
      'deploy',
      'unit',
      'db',
      'db-postgres',
      'build',
      'api-schema',
      'integration',
      'agents-plugin',
      'e2e',
    ]);
  });

  it('keeps the canonical order whatever order --only lists', () => {
    expect(names(selectSteps({ only: 'db,unit' }))).toEqual(['unit', 'db']);
  });

  it('applies --skip after --only', () => {
    expect(names(selectSteps({ only: 'unit,db,e2e', skip: 'e2e' }))).toEqual(['unit', 'db']);
  });

  it('rejects unknown step names', () => {
    expect(() => selectSteps({ only: 'unti' })).toThrow(/unknown step "unti"/);
  });
});

describe('packagesFor', () => {
  it('asks for chromium only when a browser suite runs, postgresql and redis when a step runs them', () => {
    const speech = ['pocketsphinx', 'pocketsphinx-en-us'];
    expect(packagesFor(selectSteps({ only: 'unit' })).required).toEqual(['ffmpeg', ...speech]);
    expect(packagesFor(selectSteps({})).required).toEqual([
      'chromium',
      'ffmpeg',
      ...speech,
      'postgresql',
      'redis-server',
      'docker-compose',
    ]);
    expect(packagesFor(selectSteps({ only: 'db-postgres' })).required).toEqual([
      'ffmpeg',
      ...speech,
      'postgresql',
    ]);
  });

  it('asks for docker-compose only for the deploy step', () => {
    expect(packagesFor(selectSteps({ only: 'deploy' })).required).toContain('docker-compose');
    expect(packagesFor(selectSteps({ skip: 'deploy' })).required).not.toContain('docker-compose');
  });
});

describe('summaryTable', () => {
  it('lists step, result and seconds', () => {
    const table = summaryTable([
      { name: 'unit', status: 'pass', durationMs: 12_340 },
      { name: 'db', status: 'FAIL', durationMs: 1_000, note: 'exit 1' },
      { name: 'e2e', status: 'not run', durationMs: 0 },
    ]);
    expect(table.split('\n')).toEqual([
      'step  result   seconds',
      'unit  pass        12.3',
      'db    FAIL         1.0  exit 1',
      'e2e   not run',
    ]);
  });
});
