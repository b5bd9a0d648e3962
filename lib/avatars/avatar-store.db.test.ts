import { open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarSettled } from '@/lib/testing/avatar-settled';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { openFrameStore } from '@/protocol/frame-store/read-frame-store';
import { checkFrameStore } from './check-frame-store';
import { createAvatar } from './create-avatar';
import { loadDemoPortrait } from './demo-portrait';
import { resumePreparations } from './preparation-queue';
import { rebuildAvatarStore } from './rebuild-avatar-store';
import { makePortraitVideo } from '../testing/test-media';

let db: TestDatabase;
let userId: string;
const MB = 1024 * 1024;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'store@example.com', password: 'password-1' })).id;
});
afterAll(() => db.destroy());

async function readyPortraitAvatar(name: string) {
  const avatar = await createAvatar(db.prisma, {
    userId,
    name,
    file: await loadDemoPortrait(),
    dataDir: db.dataDir,
    maxBytes: 20 * MB,
    waitForPreparation: true,
  });
  expect(avatar.status, avatar.error ?? '').toBe('ready');
  return avatar;
}

describe('avatar frame stores', () => {
  it('a ready portrait avatar records its store, which opens with a full check', async () => {
    const avatar = await readyPortraitAvatar('Still');
    expect(avatar).toMatchObject({
      storeDir: path.join('avatars', avatar.id, 'store'),
      frameCount: 1,
      progress: 100,
      sourceKind: 'image',
      framing: 'square-512',
    });
    expect(checkFrameStore(db.dataDir, avatar)).toEqual({ ok: true, frameCount: 1 });
    const store = await openFrameStore(path.join(db.dataDir, avatar.storeDir!), 'frames');
    expect(store.manifest.faces[0]).toEqual(avatar.face);
    store.close();
  });

  it('a video avatar becomes ready with a ping-pong store, frame count and poster', async () => {
    const video = await makePortraitVideo({
      out: path.join(db.dataDir, 'upload.webm'),
      format: 'webm',
      seconds: 1,
    });
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Moving',
      file: await readFile(video),
      framing: 'wide-720p',
      dataDir: db.dataDir,
      maxBytes: 20 * MB,
      waitForPreparation: true,
    });
    expect(avatar).toMatchObject({
      status: 'ready',
      sourceKind: 'video',
      sourceType: 'video/webm',
      framing: 'wide-720p',
      widthPx: 1280,
      heightPx: 720,
      frameCount: 25,
      framePath: path.join('avatars', avatar.id, 'frame.png'),
    });
    const store = await openFrameStore(path.join(db.dataDir, avatar.storeDir!), 'frames');
    expect([store.manifest.loop, store.manifest.faces.length]).toEqual(['pingpong', 25]);
    store.close();
  }, 120_000);

  it('detects truncated data, a flipped header byte and a missing manifest without reading the frames', async () => {
    const avatar = await readyPortraitAvatar('Damaged');
    const dir = path.join(db.dataDir, avatar.storeDir!);
    const dataFile = path.join(dir, 'frames.frames');
    const original = await readFile(dataFile);

    await truncate(dataFile, original.length - 4096);
    expect(checkFrameStore(db.dataDir, avatar)).toMatchObject({ ok: false, code: 'corrupt' });

    await writeFile(dataFile, original);
    const file = await open(dataFile, 'r+');
    await file.write(Buffer.from([0x02]), 0, 1, 28); // frame count 1 → 2
    await file.close();
    expect(checkFrameStore(db.dataDir, avatar)).toMatchObject({
      ok: false,
      code: 'mismatch',
    });

    await writeFile(path.join(dir, 'frames.json'), '{"format":');
    expect(checkFrameStore(db.dataDir, avatar)).toMatchObject({ ok: false, code: 'corrupt' });
    expect(checkFrameStore(db.dataDir, { ...avatar, storeDir: null })).toMatchObject({
      ok: false,
      code: 'missing',
    });
  });

  it('on start, a damaged store is queued for rebuild from the kept upload and becomes ready again', async () => {
    const avatar = await readyPortraitAvatar('Rebuilt');
    const dataFile = path.join(db.dataDir, avatar.storeDir!, 'frames.frames');
    await truncate(dataFile, 5000);
    // Avatars from before stores existed have none: they get one too.
    const legacy = await readyPortraitAvatar('Legacy');
    await db.prisma.avatar.update({
      where: { id: legacy.id },
      data: { storeDir: null, frameCount: null },
    });

    const queued = await resumePreparations(db.prisma, db.dataDir);
    expect(queued).toBeGreaterThanOrEqual(2);
    const during = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(during).toMatchObject({ status: 'preparing', progress: 0 });
    expect(during.stage).toMatch(/Rebuilding/);

    for (const id of [avatar.id, legacy.id]) {
      const done = await avatarSettled(db.prisma, id);
      expect(done.status, done.error ?? '').toBe('ready');
      expect(checkFrameStore(db.dataDir, done)).toEqual({ ok: true, frameCount: 1 });
    }
    // Healthy stores are left alone.
    expect(await resumePreparations(db.prisma, db.dataDir)).toBe(0);
  }, 180_000);

  it('rebuildAvatarStore re-prepares on request, and fails with a reason when the upload is gone', async () => {
    const avatar = await readyPortraitAvatar('On demand');
    await rebuildAvatarStore(db.prisma, avatar.id, db.dataDir, { wait: true });
    const rebuilt = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(rebuilt.status).toBe('ready');
    expect(rebuilt.updatedAt.getTime()).toBeGreaterThan(avatar.updatedAt.getTime());

    await rm(path.join(db.dataDir, 'avatars', avatar.id, 'source.jpg'));
    await rebuildAvatarStore(db.prisma, avatar.id, db.dataDir);
    const gone = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(gone.status).toBe('failed');
    expect(gone.error).toMatch(/upload the file again/);
    await expect(rebuildAvatarStore(db.prisma, 'nope', db.dataDir)).rejects.toMatchObject({
      status: 404,
    });
  }, 120_000);
});
