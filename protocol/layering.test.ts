/**
 * The dependency rule, checked on the source: lib → protocol ← worker. protocol/ imports
 * nothing from lib/, app/ or worker/ (its tests neither); production code in lib/ and app/
 * imports nothing from worker/, production code in worker/ nothing from lib/ or app/; and no
 * production file imports a test helper (a `testing/` folder). Test files may reach across.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = ['protocol', 'lib', 'app', 'worker'] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer's production code may not import (protocol: its tests neither). */
const FORBIDDEN: Record<Layer, readonly string[]> = {
  protocol: ['lib', 'app', 'worker'],
  lib: ['worker'],
  app: ['worker'],
  worker: ['lib', 'app'],
};

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.next', 'build']);
/** Static and dynamic imports, re-exports and vi.mock of a path. */
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\bvi\.mock\(\s*|\brequire\(\s*)['"]([^'"]+)['"]/gm;

export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

function isTestCode(file: string): boolean {
  return /\.(test|spec)\.[cm]?tsx?$/.test(file) || file.split('/').includes('testing');
}

/** The repository-relative path an import specifier points at, or null for a package. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (specifier.startsWith('@/')) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith('.')) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  }
  return null;
}

/** Every import that breaks the rule, as `file → specifier (why)`. */
export function layeringViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const layer = file.path.split('/')[0] as Layer;
    if (!LAYERS.includes(layer)) continue;
    const test = isTestCode(file.path);
    for (const match of file.text.matchAll(SPECIFIER)) {
      const specifier = match[1]!;
      const target = resolveSpecifier(file.path, specifier);
      if (target === null) continue;
      const targetLayer = target.split('/')[0]!;
      if ((layer === 'protocol' || !test) && FORBIDDEN[layer].includes(targetLayer)) {
        violations.push(`${file.path} → ${specifier} (${layer} must not import ${targetLayer}/)`);
      }
      if (!test && target.split('/').includes('testing')) {
        violations.push(`${file.path} → ${specifier} (production code imports a test helper)`);
      }
    }
  }
  return violations;
}

function sourceFiles(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...sourceFiles(relative));
    } else if (SOURCE.test(entry.name)) {
      files.push({ path: relative, text: readFileSync(path.join(ROOT, relative), 'utf8') });
    }
  }
  return files;
}

describe('layering', () => {
  it('finds a wrong-way import in each layer (the check can fail)', () => {
    const bad: SourceFile[] = [
      { path: 'protocol/a.ts', text: "import { x } from '../worker/x';" },
      { path: 'protocol/a.test.ts', text: "import { y } from '@/lib/y';" },
      { path: 'lib/b.ts', text: "import type { z } from '@/worker/render/z';" },
      { path: 'app/c/page.tsx', text: "const m = await import('../../worker/m');" },
      { path: 'worker/d.ts', text: "import {\n  w,\n} from '../lib/w';" },
      { path: 'worker/e.ts', text: "import { s } from './testing/synthetic';" },
    ];
    expect(layeringViolations(bad)).toHaveLength(bad.length);
    const fine: SourceFile[] = [
      { path: 'lib/b.ts', text: "import { p } from '@/protocol/p';\nimport z from 'zod';" },
      { path: 'worker/d.ts', text: "import { p } from '../protocol/p';" },
      { path: 'lib/b.test.ts', text: "import { w } from '@/worker/w';" },
      { path: 'worker/testing/t.ts', text: "import { l } from '../../lib/l';" },
    ];
    expect(layeringViolations(fine)).toEqual([]);
  });

  it('holds for the repository', () => {
    // This file's own examples above are strings, not imports.
    const files = LAYERS.flatMap((layer) => sourceFiles(layer)).filter(
      (file) => file.path !== 'protocol/layering.test.ts',
    );
    expect(files.length).toBeGreaterThan(100);
    expect(layeringViolations(files)).toEqual([]);
  });
});
