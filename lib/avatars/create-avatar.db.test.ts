import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { createAvatar } from './create-avatar';
import { deleteAvatar } from './delete-avatar';
import { loadDemoPortrait } from './demo-portrait';

let db: TestDatabase;
let userId: string;
let otherUserId: string;
const MB = 1024 * 1024;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'owner@example.com', password: 'password-1' })).id;
  otherUserId = (
    await createUser(db.prisma, { email: 'other@example.com', password: 'password-2' })
  ).id;
});
afterAll(() => db.destroy());

const avatarsDir = () => path.join(db.dataDir, 'avatars');
const storedFiles = () => (existsSync(avatarsDir()) ? readdirSync(avatarsDir()) : []);

describe('createAvatar', () => {
  it('prepares a real portrait to ready, with a 512×512 frame and 468 landmarks', async () => {
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Presenter',
      image: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    expect(avatar.status).toBe('ready');
    expect([avatar.widthPx, avatar.heightPx]).toEqual([512, 512]);
    expect((avatar.face as { landmarks: unknown[] }).landmarks).toHaveLength(468);
    const frame = await sharp(path.join(db.dataDir, avatar.framePath!)).metadata();
    expect([frame.width, frame.height]).toEqual([512, 512]);
  }, 120_000);

  it('marks an image without a face failed, with the reason', async () => {
    const landscape = await sharp({
      create: { width: 320, height: 240, channels: 3, background: '#3a7bd5' },
    })
      .png()
      .toBuffer();
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Sky',
      image: landscape,
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    expect(avatar.status).toBe('failed');
    expect(avatar.error).toMatch(/no face/i);
  }, 120_000);

  it('stores nothing for a wrong file type, a truncated image or an empty name', async () => {
    const before = { rows: await db.prisma.avatar.count(), files: storedFiles().length };
    const portrait = await loadDemoPortrait();
    const attempts = [
      { name: 'Doc', image: new TextEncoder().encode('not an image at all') },
      { name: 'Cut', image: portrait.subarray(0, Math.floor(portrait.length / 2)) },
      { name: '   ', image: portrait },
      { name: 'Big', image: portrait, maxBytes: 1000 },
    ];
    for (const attempt of attempts) {
      await expect(
        createAvatar(db.prisma, {
          userId,
          dataDir: db.dataDir,
          maxBytes: attempt.maxBytes ?? 20 * MB,
          ...attempt,
        }),
      ).rejects.toBeTruthy();
    }
    expect(await db.prisma.avatar.count()).toBe(before.rows);
    expect(storedFiles()).toHaveLength(before.files);
  });
});

describe('deleteAvatar', () => {
  it("reports another user's avatar as not found and leaves it alone", async () => {
    const avatar = await db.prisma.avatar.findFirstOrThrow({ where: { userId } });
    await expect(
      deleteAvatar(db.prisma, { userId: otherUserId, avatarId: avatar.id, dataDir: db.dataDir }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await db.prisma.avatar.findUnique({ where: { id: avatar.id } })).not.toBeNull();
  });

  it('removes the row and the files', async () => {
    const avatar = await db.prisma.avatar.findFirstOrThrow({ where: { userId, status: 'failed' } });
    await deleteAvatar(db.prisma, { userId, avatarId: avatar.id, dataDir: db.dataDir });
    expect(await db.prisma.avatar.findUnique({ where: { id: avatar.id } })).toBeNull();
    expect(storedFiles()).not.toContain(avatar.id);
  });

  it('leaves no files behind for an avatar deleted while it is being prepared', async () => {
    const creating = createAvatar(db.prisma, {
      userId,
      name: 'Gone soon',
      image: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    // Deleted once the job has read the source and reported progress, before it writes.
    let avatarId: string | undefined;
    await expect
      .poll(
        async () => {
          const row = await db.prisma.avatar.findFirst({ where: { userId, name: 'Gone soon' } });
          avatarId = row?.id;
          return row?.progress ?? 0;
        },
        { interval: 20, timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    await deleteAvatar(db.prisma, { userId, avatarId: avatarId!, dataDir: db.dataDir });
    await expect(creating).rejects.toThrow(/No record was found|not found/i);
    expect(storedFiles()).not.toContain(avatarId);
  }, 120_000);
});

describe('voice settings', () => {
  it('stores the chosen voice and rate, and refuses unknown ones without storing anything', async () => {
    const portrait = await loadDemoPortrait();
    const before = await db.prisma.avatar.count();
    for (const bad of [{ voice: 'robot' }, { speechRate: '5' }, { speechRate: 'fast' }]) {
      await expect(
        createAvatar(db.prisma, {
          userId,
          name: 'Bad',
          image: portrait,
          dataDir: db.dataDir,
          maxBytes: 20 * MB,
          ...bad,
        }),
      ).rejects.toThrow(/voice must be one of|speechRate must be/);
    }
    expect(await db.prisma.avatar.count()).toBe(before);
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Brisk Kal',
      image: portrait,
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      voice: 'kal16',
      speechRate: '1.25',
      waitForPreparation: true,
    });
    expect([avatar.voice, avatar.speechRate]).toEqual(['kal16', 1.25]);
    const plain = await db.prisma.avatar.findFirstOrThrow({ where: { userId, name: 'Presenter' } });
    expect([plain.voice, plain.speechRate]).toEqual(['slt', 1]);
  }, 120_000);
});
