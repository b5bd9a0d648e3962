import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAvatar } from '@/lib/avatars/create-avatar';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { avatarSettled } from '@/lib/testing/avatar-settled';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { startSession } from './start-session';

let db: TestDatabase;
let userId: string;

beforeAll(async () => {
  Object.assign(process.env, {
    AUTH_SECRET: 'start-session-test-secret-start-session',
    WORKER_SECRET: 'start-session-worker',
  });
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'start@example.com', password: 'password-1' })).id;
});
afterAll(() => db.destroy());

describe('startSession', () => {
  it('never hands a damaged frame store to a worker: it is rebuilt and the user told so', async () => {
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Damaged',
      file: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * 1024 * 1024,
      waitForPreparation: true,
    });
    expect(avatar.status, avatar.error ?? '').toBe('ready');
    await truncate(path.join(db.dataDir, avatar.storeDir!, 'frames.frames'), 8192);

    const refusal: unknown = await startSession(db.prisma, {
      userId,
      avatarId: avatar.id,
      dataDir: db.dataDir,
    }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'conflict' });
    expect((refusal as Error).message).toMatch(/being rebuilt/);
    // No session was created, and the avatar is being prepared again from its upload.
    expect(await db.prisma.session.count({ where: { avatarId: avatar.id } })).toBe(0);
    const after = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(after.status).toBe('preparing');

    const rebuilt = await avatarSettled(db.prisma, avatar.id, 30_000);
    expect(rebuilt.status, rebuilt.error ?? '').toBe('ready');
  });
});
