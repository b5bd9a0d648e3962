/**
 * Creates a migration offline: npm run db:migration -- <name_in_snake_case>
 *
 * Each migration folder keeps a snapshot of the schema it leads to (`schema.prisma`); the new
 * migration is the diff from the latest snapshot to prisma/schema.prisma. (Diffing from the
 * migrations themselves needs a shadow database, which Prisma's JS engine cannot build on
 * PGlite: it sends each migration as one prepared statement.)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}
const dir = path.join('prisma', 'migrations');
const latest = readdirSync(dir)
  .filter((entry) => /^\d{14}_/.test(entry))
  .sort()
  .pop();
const snapshot = latest ? path.join(dir, latest, 'schema.prisma') : undefined;
if (snapshot && !existsSync(snapshot)) {
  console.error(`${snapshot} is missing: every migration folder keeps the schema it leads to.`);
  process.exit(1);
}
const from = snapshot ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
const sql = execFileSync(
  'npx',
  [
    'prisma',
    'migrate',
    'diff',
    ...from,
    '--to-schema-datamodel',
    'prisma/schema.prisma',
    '--script',
  ],
  { encoding: 'utf8' },
);
if (sql.trim() === '' || sql.includes('-- This is an empty migration.')) {
  console.log('prisma/schema.prisma matches the latest migration: nothing to do.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(path.join(target, 'migration.sql'), sql);
copyFileSync(path.join('prisma', 'schema.prisma'), path.join(target, 'schema.prisma'));
console.log(`Wrote ${target}/migration.sql — review it, then commit the folder.`);
