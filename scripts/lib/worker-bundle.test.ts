import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUNDLE_DIR,
  BUNDLE_ENTRIES,
  BUNDLE_MANIFEST,
  ensureWorkerBundle,
  isWorkerBundleStale,
} from './worker-bundle.mjs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-bundle-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (relative: string, text: string) => {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const age = (relative: string, secondsSinceEpoch: number) =>
  fs.utimesSync(path.join(dir, relative), secondsSinceEpoch, secondsSinceEpoch);

/** A repository with the four entries; each prints its name and a protocol module's answer. */
function fixture() {
  write('package-lock.json', '{}');
  write('protocol/answer.ts', 'export const answer: number = 42;\n');
  write(
    'worker/lazy.ts',
    "import os from 'node:os';\nexport const lazy = (): string => typeof os.cpus;\n",
  );
  for (const [name, source] of Object.entries(BUNDLE_ENTRIES)) {
    write(
      source,
      [
        "import { answer } from '../../protocol/answer';",
        `const name: string = ${JSON.stringify(name)};`,
        "const { lazy } = await import('../lazy');",
        'console.log(name, answer, lazy());',
        '',
      ].join('\n'),
    );
  }
}

describe('worker bundle', () => {
  it('bundles each entry into plain JavaScript that runs without tsx', async () => {
    fixture();
    expect(isWorkerBundleStale(dir)).toBe(true);
    await ensureWorkerBundle(dir);
    for (const name of Object.keys(BUNDLE_ENTRIES)) {
      const output = execFileSync(process.execPath, [path.join(dir, BUNDLE_DIR, `${name}.mjs`)], {
        encoding: 'utf8',
      });
      expect(output.trim()).toBe(`${name} 42 function`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, BUNDLE_MANIFEST), 'utf8')) as {
      sources: string[];
    };
    expect(manifest.sources).toEqual(
      expect.arrayContaining(['protocol/answer.ts', 'worker/lazy.ts', 'worker/session/main.ts']),
    );
    // A dynamic import stays lazy: its code is in a chunk of its own, not the entry.
    const entry = fs.readFileSync(path.join(dir, BUNDLE_DIR, 'session-main.mjs'), 'utf8');
    expect(entry).not.toContain('os.cpus');
    expect(isWorkerBundleStale(dir)).toBe(false);
  }, 30_000);

  it('is stale when a worker file, a protocol file or the lock file is newer', async () => {
    fixture();
    await ensureWorkerBundle(dir);
    const built = fs.statSync(path.join(dir, BUNDLE_MANIFEST)).mtimeMs / 1000;
    for (const file of ['worker/lazy.ts', 'protocol/answer.ts', 'package-lock.json']) {
      age(file, built + 10);
      expect(isWorkerBundleStale(dir), file).toBe(true);
      age(file, built - 10);
    }
    // Directories' own mtimes count too (a deleted file); put them back in the past.
    for (const d of [
      'worker',
      'worker/session',
      'worker/render',
      'worker/tts',
      'worker/lipsync',
      'protocol',
    ]) {
      age(d, built - 10);
    }
    expect(isWorkerBundleStale(dir)).toBe(false);
    // Files the worker never imports do not make it stale.
    write('lib/unrelated.ts', 'export {};\n');
    expect(isWorkerBundleStale(dir)).toBe(false);
  }, 30_000);
});
