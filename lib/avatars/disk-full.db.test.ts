/**
 * Fault: the data directory's disk is full (issue 14 §2). Uploads get a clear 507, and nothing
 * is half-written: no avatar row, no partial file. The data directory is a 2 MB tmpfs this
 * test mounts (it runs as root, like the namespace steps of npm test) and fills up.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as AvatarsRoute from '@/app/api/v1/avatars/route';
import type * as LipSyncRoute from '@/app/api/v1/avatars/[id]/lip-sync-model/route';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { buildTestLipSyncModel } from '@/protocol/testing/lip-sync-test-model';
import { loadDemoPortrait } from './demo-portrait';

const isRoot = process.getuid?.() === 0;
let db: TestDatabase;
let mountDir: string;
let key: string;
let avatarId: string;
let avatars: typeof AvatarsRoute;
let lipSync: typeof LipSyncRoute;

/** Free bytes on the mount. */
const freeBytes = () => {
  const out = execFileSync('df', ['--output=avail', '-B1', mountDir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
};

/** Every file under the mount but the ballast, relative. */
const filesOnDisk = () =>
  (readdirSync(mountDir, { recursive: true }) as string[]).filter((f) => f !== 'ballast').sort();

describe.runIf(isRoot)('the data directory is full', () => {
  beforeAll(async () => {
    mountDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountDir]);
    db = await createTestDatabase();
    process.env.FACECAST_DATA_DIR = mountDir;
    process.env.AUTH_SECRET ??= 'x'.repeat(40);
    process.env.WORKER_SECRET ??= 'y'.repeat(20);
    (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
    const user = await createUser(db.prisma, { email: 'o@example.com', password: 'password-1' });
    key = (await createApiKey(db.prisma, { userId: user.id, name: 't' })).key;
    avatarId = (
      await db.prisma.avatar.create({
        data: { userId: user.id, name: 'Existing', sourceType: 'image/png', status: 'ready' },
      })
    ).id;
    avatars = await import('@/app/api/v1/avatars/route');
    lipSync = await import('@/app/api/v1/avatars/[id]/lip-sync-model/route');
    // Leave 16 KB free: less than any upload below.
    writeFileSync(path.join(mountDir, 'ballast'), Buffer.alloc(freeBytes() - 16 * 1024));
  });

  afterAll(async () => {
    delete (globalThis as { facecastDb?: unknown }).facecastDb;
    await db?.destroy();
    if (mountDir) {
      execFileSync('umount', [mountDir]);
      rmSync(mountDir, { recursive: true, force: true });
    }
  });

  const expect507 = async (response: Response) => {
    expect(response.status, await response.clone().text()).toBe(507);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('insufficient_storage');
    expect(body.error.message).toMatch(/no room left.*Nothing was saved/);
  };

  it('refuses an avatar upload with 507, storing no row and no file', async () => {
    const form = new FormData();
    form.set('name', 'Too big for the disk');
    form.set('file', new Blob([new Uint8Array(await loadDemoPortrait())]), 'portrait.jpg');
    const response = await avatars.POST(
      new Request('http://app.test/api/v1/avatars', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: form,
      }),
      { params: Promise.resolve({}) },
    );
    await expect507(response);
    expect(await db.prisma.avatar.count()).toBe(1);
    expect(filesOnDisk().filter((f) => f !== 'avatars')).toEqual([]);
  });

  it('refuses a streamed lip-sync model with 507 and removes the partial file', async () => {
    const model = buildTestLipSyncModel({ ballastMb: 1 });
    const response = await lipSync.PUT(
      new Request(`http://app.test/api/v1/avatars/${avatarId}/lip-sync-model`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(model),
      }),
      { params: Promise.resolve({ id: avatarId }) },
    );
    await expect507(response);
    const avatar = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatarId } });
    expect(avatar.lipSyncModel).toBeNull();
    expect(filesOnDisk().filter((f) => !f.endsWith(avatarId) && f !== 'avatars')).toEqual([]);
  });
});
