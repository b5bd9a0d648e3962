import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { migrate, readMigrations, type SqlRunner } from './migrate';

let db: TestDatabase;
let runner: SqlRunner;

beforeAll(async () => {
  db = await createTestDatabase();
  runner = {
    exec: async (sql) => {
      await db.prisma.$executeRawUnsafe(sql);
    },
    query: (sql, params = []) => db.prisma.$queryRawUnsafe(sql, ...params),
  };
});
afterAll(() => db.destroy());

describe('migrate', () => {
  it('has applied every committed migration, recorded like prisma migrate deploy', async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await runner.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    expect(rows[0]?.checksum).toBe(migrations[0]?.checksum);
  });

  it('is idempotent', async () => {
    expect(await migrate(runner, await readMigrations())).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const [first, ...rest] = await readMigrations();
    const edited = { ...first!, checksum: 'f'.repeat(64) };
    await expect(migrate(runner, [edited, ...rest])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('rolls back a failing migration and records nothing', async () => {
    const broken = {
      name: '99999999999999_broken',
      sql: 'CREATE TABLE "x" (id int); SELECT nope FROM nowhere;',
      checksum: 'a'.repeat(64),
    };
    await expect(migrate(runner, [...(await readMigrations()), broken])).rejects.toThrow();
    const tables = await runner.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'x'`,
    );
    expect(Number(tables[0]?.n)).toBe(0);
    const recorded = await runner.query(
      `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`,
      [broken.name],
    );
    expect(recorded).toHaveLength(0);
  });
});
