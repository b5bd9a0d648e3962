/**
 * Every handler under app/api/v1 declares the API-key scope it needs (decision 023).
 * TypeScript already refuses `withAuth` without `{ scope }`; this walk also catches a handler
 * that is not wrapped at all, and holds the rules of the scope table in docs/api.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const V1_DIR = import.meta.dirname;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Handlers that need no credentials at all. */
const PUBLIC = new Set(['GET openapi.json/route.ts']);
/** Handlers that check the caller's scopes themselves (scope `any`). */
const CHECKED_BY_HANDLER = new Set(['POST api-keys/route.ts', 'DELETE api-keys/[id]/route.ts']);

interface Handler {
  name: string;
  method: string;
  file: string;
  /** The `scope` option as written, or null if the handler is not `withAuth({ scope }, …)`. */
  scope: string | null;
}

function handlers(dir = V1_DIR): Handler[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return handlers(full);
    if (entry.name !== 'route.ts') return [];
    const file = path.relative(V1_DIR, full).split(path.sep).join('/');
    const source = readFileSync(full, 'utf8');
    return METHODS.flatMap((method) => {
      const exported = new RegExp(`export (const|async function|function) ${method}\\b`);
      if (!exported.test(source)) return [];
      const wrapped = new RegExp(
        `export const ${method} = withAuth(<[^>]*>)?\\(\\s*\\{\\s*scope:\\s*([^}]+?),?\\s*\\}`,
      ).exec(source);
      return [{ name: `${method} ${file}`, method, file, scope: wrapped?.[2]?.trim() ?? null }];
    });
  });
}

describe('API-key scopes of /api/v1', () => {
  const all = handlers();

  it('finds the routes (the walk would pass vacuously on none)', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it('every handler is withAuth with a declared scope, or on the short public list', () => {
    const undeclared = all.filter((h) => h.scope === null && !PUBLIC.has(h.name));
    expect(undeclared.map((h) => h.name)).toEqual([]);
  });

  it('follows the table: admin routes need admin, GETs read, writes a write scope', () => {
    const problems = all.flatMap((h) => {
      if (h.scope === null) return [];
      const wanted = h.file.startsWith('admin/')
        ? ["'admin'"]
        : CHECKED_BY_HANDLER.has(h.name)
          ? ["'any'"]
          : h.method === 'GET'
            ? ["'read'"]
            : h.file.startsWith('webhooks/')
              ? // A webhook sends session and booking events out: a standing read (decision 023).
                ["['read', 'sessions']"]
              : ["'sessions'", "'avatars'", "['read', 'sessions', 'avatars']"];
      return wanted.includes(h.scope) ? [] : [`${h.name}: scope ${h.scope}`];
    });
    expect(problems).toEqual([]);
  });

  it("uses `any` only where the handler checks the key's scopes itself", () => {
    const any = all.filter((h) => h.scope === "'any'").map((h) => h.name);
    expect(any.sort()).toEqual([...CHECKED_BY_HANDLER].sort());
  });

  it('avatar writes need avatars; session, booking and room writes need sessions', () => {
    const problems = all.flatMap((h) => {
      if (h.method === 'GET' || h.scope === null || h.file.startsWith('admin/')) return [];
      if (h.file.startsWith('avatars/') && h.scope !== "'avatars'") return [h.name];
      if (/^(sessions|bookings)\//.test(h.file) && h.scope !== "'sessions'") return [h.name];
      return [];
    });
    expect(problems).toEqual([]);
  });
});
