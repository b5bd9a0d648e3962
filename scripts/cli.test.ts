import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findApiKey, findUserByApiKey } from '@/lib/auth/api-keys';
import { verifyPassword } from '@/lib/auth/password';
import { openDatabase } from '@/lib/db/open-database';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: { ...process.env, FACECAST_DATA_DIR: dataDir, DATABASE_URL: '' },
  });
}

describe('npm run cli', () => {
  it('creates a user and an API key whose last output line is a working key', async () => {
    const created = await cli(
      'user',
      'create',
      '--email',
      'Ops@Example.com',
      '--password',
      'ops-password',
      '--admin',
    );
    expect(created.stdout).toContain('ops@example.com (admin)');
    const { stdout } = await cli(
      'apikey',
      'create',
      '--email',
      'ops@example.com',
      '--name',
      'ci',
      '--scopes',
      'admin,read',
    );
    expect(stdout).toContain('(read, admin)');
    const key = stdout.trim().split('\n').pop() ?? '';
    expect(key).toMatch(/^fc_[A-Za-z0-9_-]{40,}$/);

    const db = await openDatabase({ dataDir });
    try {
      expect(await findUserByApiKey(db.prisma, key)).toMatchObject({
        email: 'ops@example.com',
        isAdmin: true,
      });
      expect(await findApiKey(db.prisma, key)).toMatchObject({ scopes: ['read', 'admin'] });
      const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ops@example.com' } });
      expect(await verifyPassword(user.passwordHash, 'ops-password')).toBe(true);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('explains bad input and exits non-zero', async () => {
    await expect(cli('apikey', 'create', '--email', 'nobody@example.com')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No user with email nobody@example.com') as unknown,
    });
    await expect(
      cli('user', 'create', '--email', 'x@example.com', '--password', 'short'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('at least 8') as unknown,
    });
    await expect(cli('frobnicate')).rejects.toMatchObject({ code: 2 });
  }, 60_000);

  it('refuses to open the embedded database while another live process holds it', async () => {
    const db = await openDatabase({ dataDir });
    try {
      // Same process holds it here; a child process must be refused.
      await expect(cli('apikey', 'create', '--email', 'ops@example.com')).rejects.toMatchObject({
        stderr: expect.stringContaining('in use by another Facecast process') as unknown,
      });
    } finally {
      await db.close();
    }
  }, 60_000);
});
