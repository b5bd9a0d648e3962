import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const LOADER = path.resolve(import.meta.dirname, '..', '..', 'public', 'embed.js');
/** The budget for the loader sites paste in (issue 12 §1), bytes gzipped. */
const MAX_GZIPPED_BYTES = 15 * 1024;

describe('the widget loader (public/embed.js)', () => {
  const source = readFileSync(LOADER);

  it('stays within 15 KB gzipped', () => {
    const gzipped = gzipSync(source, { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });

  it('is plain script that browsers run as is (no imports, no build step)', () => {
    expect(() => new Script(source.toString('utf8'), { filename: 'embed.js' })).not.toThrow();
    expect(source.toString('utf8')).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('frames the widget with microphone and autoplay allowed', () => {
    expect(source.toString('utf8')).toContain("'allow', 'microphone; autoplay'");
  });
});
