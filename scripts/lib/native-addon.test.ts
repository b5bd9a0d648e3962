import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADDON_OUTPUT,
  ADDON_SOURCE,
  compileCommand,
  isAddonStale,
  nodeIncludeDir,
} from './native-addon.mjs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facecast-addon-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const touch = (relative: string, secondsSinceEpoch: number) => {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
  fs.utimesSync(file, secondsSinceEpoch, secondsSinceEpoch);
};

describe('native addon build', () => {
  it("takes the running Node's include dir first, then /usr/include/node, else none", () => {
    const execPath = '/opt/node-v20/bin/node';
    const has = (dirs: string[]) => (file: string) => dirs.some((d) => file === `${d}/node_api.h`);
    expect(nodeIncludeDir({ execPath, exists: has(['/opt/node-v20/include/node']) })).toBe(
      '/opt/node-v20/include/node',
    );
    expect(
      nodeIncludeDir({
        execPath,
        exists: has(['/opt/node-v20/include/node', '/usr/include/node']),
      }),
    ).toBe('/opt/node-v20/include/node');
    expect(nodeIncludeDir({ execPath, exists: has(['/usr/include/node']) })).toBe(
      '/usr/include/node',
    );
    expect(nodeIncludeDir({ execPath, exists: () => false })).toBeNull();
  });

  it('is stale when the built file is missing or older than the C source', () => {
    touch(ADDON_SOURCE, 2000);
    expect(isAddonStale(dir)).toBe(true);
    touch(ADDON_OUTPUT, 3000);
    expect(isAddonStale(dir)).toBe(false);
    touch(ADDON_SOURCE, 4000);
    expect(isAddonStale(dir)).toBe(true);
  });

  it('compiles position-independent, shared, against the chosen headers', () => {
    const [command, args] = compileCommand({ root: '/r', includeDir: '/inc/node' });
    expect(command).toBe('cc');
    expect(args).toEqual(
      expect.arrayContaining(['-O2', '-shared', '-fPIC', '-I/inc/node', '/r/' + ADDON_SOURCE]),
    );
    expect(args[args.indexOf('-o') + 1]).toBe('/r/' + ADDON_OUTPUT);
  });
});
