// Prisma CLI configuration. The CLI talks to an embedded PGlite through its driver adapter,
// so `prisma migrate diff` needs no native engine and no network (Prisma 6.19, engine "js").
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { PrismaConfig } from 'prisma';

export default {
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  // An in-memory database: the CLI is only used to diff schemas and generate the client.
  adapter: async () => new PrismaPGlite(new PGlite()),
} satisfies PrismaConfig;
