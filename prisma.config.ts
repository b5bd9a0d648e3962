// Prisma CLI configuration. The CLI talks to an embedded, in-memory PGlite through its driver
// adapter, so `prisma migrate diff` (scripts/new-migration.ts) and `prisma generate` need no
// native engine and no network (Prisma 6.19, engine "js"). The app applies migrations itself
// (lib/db/migrate.ts).
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { defineConfig } from 'prisma/config';

type AdapterFactory = Awaited<
  ReturnType<Extract<Parameters<typeof defineConfig>[0], { engine: 'js' }>['adapter']>
>;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  // pglite-prisma-adapter 0.6.1 declares driver-adapter-utils 6.10 types; at run time it
  // meets Prisma 6.19's contract (the db tests check it), so only the declared type lags.
  adapter: () => Promise.resolve(new PrismaPGlite(new PGlite()) as unknown as AdapterFactory),
});
