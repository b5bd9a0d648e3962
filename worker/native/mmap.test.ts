import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, evictFile, mapFile, residentBytes } from './mmap';
import { mappedFileMemory, parseMappedFileMemory } from './proc-smaps';

// On ext4 here; page cache eviction has no effect on tmpfs (shared memory).
const root = mkdtempSync(path.join(os.tmpdir(), 'facecast-mmap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MIB = 1024 * 1024;

/** A file of `bytes` bytes whose content differs per page. */
function makeFile(name: string, bytes: number): string {
  const file = path.join(root, name);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4096) data.writeUInt32LE(i / 4096, i);
  writeFileSync(file, data);
  return file;
}

/**
 * A child process that maps `file` with the addon, reads one byte of every page, prints
 * "ready" and stays alive until its stdin closes.
 */
function startMapper(file: string): Promise<ChildProcess> {
  const script = `
    const addon = require(${JSON.stringify(ADDON_PATH)});
    const bytes = new Uint8Array(addon.mapFile(${JSON.stringify(file)}));
    let sum = 0;
    for (let i = 0; i < bytes.length; i += 4096) sum += bytes[i];
    process.stdout.write('ready ' + sum + '\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`mapper exited with ${code}`)));
  });
}

describe('mmap addon', () => {
  it('maps a file read-only with its exact contents and names the path in errors', () => {
    const file = makeFile('small', 3 * 4096 + 10);
    const mapped = new Uint8Array(mapFile(file));
    expect(Buffer.compare(mapped, readFileSync(file))).toBe(0);
    expect(() => mapFile(path.join(root, 'absent'))).toThrow(/absent: No such file/);
    const error = (() => {
      try {
        mapFile(path.join(root, 'absent'));
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
    })();
    expect(error?.code).toBe('ENOENT');
    writeFileSync(path.join(root, 'empty'), '');
    expect(() => mapFile(path.join(root, 'empty'))).toThrow(/empty file/);
    expect(() => residentBytes(path.join(root, 'absent'))).toThrow(/ENOENT|No such file/);
  });

  it('shares one copy of a file mapped by three processes, and evicts it once they exit', async () => {
    const bytes = 48 * MIB;
    const file = makeFile('shared', bytes);
    evictFile(file);
    const children = await Promise.all([1, 2, 3].map(() => startMapper(file)));
    try {
      const memory = await Promise.all(children.map((c) => mappedFileMemory(c.pid!, file)));
      for (const m of memory) {
        // Each process has every page of the file resident in its mapping ...
        expect(m.mappings).toBe(1);
        expect(m.rssBytes).toBeGreaterThan(bytes * 0.95);
      }
      // ... yet together they hold it about once (3 private copies would be 3 × bytes).
      const pssSum = memory.reduce((sum, m) => sum + m.pssBytes, 0);
      expect(pssSum).toBeGreaterThan(bytes * 0.9);
      expect(pssSum).toBeLessThan(bytes * 1.5);
      expect(residentBytes(file)).toBeGreaterThan(bytes * 0.95);
      // Eviction spares pages that are mapped.
      evictFile(file);
      expect(residentBytes(file)).toBeGreaterThan(bytes * 0.95);
    } finally {
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) => {
              c.once('exit', resolve);
              c.stdin!.end();
            }),
        ),
      );
    }
    evictFile(file);
    expect(residentBytes(file)).toBeLessThan(bytes * 0.05);
  }, 30_000);

  it('parses Rss and Pss of one file out of smaps', () => {
    const smaps = [
      '7f00-7f10 r--s 00000000 fd:00 123   /data/a.frames',
      'Size:               64 kB',
      'Rss:                64 kB',
      'Pss:                21 kB',
      '7f20-7f30 r--p 00000000 fd:00 124   /data/b.frames',
      'Rss:                64 kB',
      'Pss:                64 kB',
      '7f40-7f50 r--s 00000000 fd:00 123   /data/a.frames',
      'Rss:                 8 kB',
      'Pss:                 4 kB',
    ].join('\n');
    expect(parseMappedFileMemory(smaps, '/data/a.frames')).toEqual({
      rssBytes: 72 * 1024,
      pssBytes: 25 * 1024,
      mappings: 2,
    });
  });
});
