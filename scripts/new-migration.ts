/**
 * Creates a migration from the difference between the committed migrations and
 * prisma/schema.prisma, offline: npm run db:migration -- <name>
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}
const dir = path.join('prisma', 'migrations');
const hasMigrations = readdirSync(dir).some((entry) => /^\d{14}_/.test(entry));
const from = hasMigrations ? ['--from-migrations', dir] : ['--from-empty'];
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
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(path.join(target, 'migration.sql'), sql);
console.log(`Wrote ${target}/migration.sql — review it, then commit it.`);
