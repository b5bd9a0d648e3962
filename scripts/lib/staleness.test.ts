import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStale, newestMtimeMs } from './staleness.mjs';

let dir: string;
const at = (file: string, secondsSinceEpoch: number) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, 'x');
  fs.utimesSync(file, secondsSinceEpoch, secondsSinceEpoch);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-stale-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('staleness', () => {
  it('finds the newest file below directories, ignoring missing paths and node_modules', () => {
    at(path.join(dir, 'app', 'a.ts'), 1000);
    at(path.join(dir, 'app', 'deep', 'b.ts'), 3000);
    at(path.join(dir, 'app', 'node_modules', 'c.js'), 9000);
    for (const d of ['app', 'app/deep', 'app/node_modules'])
      fs.utimesSync(path.join(dir, d), 100, 100);
    expect(newestMtimeMs([path.join(dir, 'app'), path.join(dir, 'missing')])).toBe(3000_000);
  });

  it('is stale when the target is missing or older than a source, fresh otherwise', () => {
    const target = path.join(dir, '.next', 'BUILD_ID');
    const source = path.join(dir, 'app', 'page.tsx');
    at(source, 2000);
    fs.utimesSync(path.join(dir, 'app'), 100, 100);
    expect(isStale(target, [path.join(dir, 'app')])).toBe(true);
    at(target, 3000);
    expect(isStale(target, [path.join(dir, 'app')])).toBe(false);
    at(source, 4000);
    expect(isStale(target, [path.join(dir, 'app')])).toBe(true);
  });

  it('counts a deleted source file as a change (the directory mtime moves)', () => {
    const target = path.join(dir, 'stamp');
    at(path.join(dir, 'app', 'old.ts'), 1000);
    at(target, 2000);
    fs.utimesSync(path.join(dir, 'app'), 1000, 1000);
    expect(isStale(target, [path.join(dir, 'app')])).toBe(false);
    fs.rmSync(path.join(dir, 'app', 'old.ts'));
    expect(isStale(target, [path.join(dir, 'app')])).toBe(true);
  });
});
