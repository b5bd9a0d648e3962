/**
 * GET /docs/api/scalar.js → Scalar's standalone browser bundle, read from node_modules (the
 * npm package pinned in package.json) once and kept in memory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The app runs with the repository as its working directory (scripts/lib/stack.mjs). */
const BUNDLE = path.join(
  process.cwd(),
  'node_modules',
  '@scalar',
  'api-reference',
  'dist',
  'browser',
  'standalone.js',
);

let bundle: Promise<Buffer> | undefined;

export async function GET(): Promise<Response> {
  bundle ??= readFile(BUNDLE);
  const bytes = await bundle.catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    },
  });
}
