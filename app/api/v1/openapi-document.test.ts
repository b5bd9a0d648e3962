import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@/lib/api/errors';
import { openApiDocument } from './openapi-document';

const V1_DIR = import.meta.dirname;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every route.ts under app/api/v1 with its URL path (`[id]` → `{id}`) and exported methods. */
function routeFiles(dir = V1_DIR): { file: string; urlPath: string; methods: string[] }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    const relative = path.relative(V1_DIR, dir).split(path.sep).join('/');
    const urlPath = `/api/v1/${relative}`.replace(/\[([^\]]+)\]/g, '{$1}');
    const source = readFileSync(full, 'utf8');
    const methods = METHODS.filter((m) =>
      new RegExp(`export (const|async function|function) ${m}\\b`).test(source),
    );
    return [{ file: path.relative(V1_DIR, full), urlPath, methods }];
  });
}

type Operation = {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};

describe('the OpenAPI document of /api/v1', () => {
  const document = openApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    // A JSON round trip: the validator takes plain data, as a client fetching the document would.
    const result = await validator.validate(
      JSON.parse(JSON.stringify(document)) as Record<string, unknown>,
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every method of every route file under app/api/v1', () => {
    const routes = routeFiles();
    // A sanity floor: the walk found the routes (it would pass vacuously on none).
    expect(routes.length).toBeGreaterThan(25);
    const missing = routes.flatMap(({ file, urlPath, methods }) => {
      const item = (document.paths ?? {})[urlPath] as Record<string, unknown> | undefined;
      if (methods.length === 0) return [`${file}: exports no HTTP method the walk recognises`];
      return methods
        .filter((m) => !item?.[m.toLowerCase()])
        .map((m) => `${m} ${urlPath} (${file})`);
    });
    expect(missing).toEqual([]);
  });

  it('describes nothing that has no route file', () => {
    const known = new Set(routeFiles().map((r) => r.urlPath));
    expect(Object.keys(document.paths ?? {}).filter((p) => !known.has(p))).toEqual([]);
  });

  it('lists every ErrorCode in the shared Error schema', () => {
    const schemas = document.components?.schemas ?? {};
    expect((schemas.ErrorCode as { enum?: string[] }).enum).toEqual(ErrorCode.options);
    const errorProps = (schemas.Error as { properties: Record<string, unknown> }).properties;
    expect(JSON.stringify(errorProps)).toContain('#/components/schemas/ErrorCode');
  });

  it('documents authentication and its failure on every authenticated operation', () => {
    const problems: string[] = [];
    for (const [urlPath, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
        const name = `${method.toUpperCase()} ${urlPath}`;
        if (urlPath === '/api/v1/openapi.json') {
          if (operation.security?.length !== 0) problems.push(`${name}: should be public`);
          continue;
        }
        const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s)).sort();
        if (schemes.join() !== 'apiKey,session')
          problems.push(`${name}: security ${schemes.join()}`);
        if (!operation.responses['401']) problems.push(`${name}: no 401`);
        const success = Object.keys(operation.responses).filter((s) => s.startsWith('2'));
        if (success.length === 0) problems.push(`${name}: no success response`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes the event stream as text/event-stream', () => {
    const events = (document.paths ?? {})['/api/v1/sessions/{id}/events'] as {
      get: Operation;
    };
    expect(Object.keys(events.get.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
  });
});
