/**
 * Fault (issue 14 §2): the app killed mid-upload and mid-preparation. What a killed app
 * leaves is laid out on disk and in the database here, as it would be found, and the app's
 * start-up recovery (resumePreparations, run by instrumentation.ts) is called: no
 * half-written avatar survives, and an interrupted preparation finishes by itself.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarSettled } from '@/lib/testing/avatar-settled';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { avatarDir, partPath, sourcePath } from './avatar-files';
import { checkFrameStore } from './check-frame-store';
import { createAvatar } from './create-avatar';
import { loadDemoPortrait } from './demo-portrait';
import { STAGES } from './preparation-progress';
import { resumePreparations } from './preparation-queue';

let db: TestDatabase;
let userId: string;
let portrait: Buffer;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'kill@example.com', password: 'password-1' })).id;
  portrait = Buffer.from(await loadDemoPortrait());
});
afterAll(() => db.destroy());

/** The row createAvatar() makes before it writes the file. */
const uploadRow = (name: string) =>
  db.prisma.avatar.create({
    data: { userId, name, sourceType: 'image/jpeg', sourceKind: 'image', stage: STAGES.queued },
  });

describe('the app killed mid-upload', () => {
  it('writes the upload beside its final name and renames it: no .part file stays', async () => {
    const avatar = await createAvatar(db.prisma, {
      userId,
      name: 'Whole',
      file: portrait,
      dataDir: db.dataDir,
      maxBytes: 20 * 1024 * 1024,
    });
    const files = readdirSync(avatarDir(db.dataDir, avatar.id));
    expect(files).toContain('source.jpg');
    expect(files.filter((file) => file.endsWith('.part'))).toEqual([]);
    // Let its preparation finish before the next test lays out its own leftovers.
    expect((await avatarSettled(db.prisma, avatar.id)).status).toBe('ready');
  }, 120_000);

  it('on start, removes an avatar whose file was half written, or never written, row and files', async () => {
    // Killed while writing: half the bytes under the .part name, no source file.
    const halfWritten = await uploadRow('Half written');
    const source = sourcePath(db.dataDir, halfWritten.id, 'jpg');
    await mkdir(path.dirname(source), { recursive: true });
    await writeFile(partPath(source), portrait.subarray(0, portrait.length / 2));
    // Killed between the row and the file: not even a directory.
    const unwritten = await uploadRow('Never written');

    const queued = await resumePreparations(db.prisma, db.dataDir);

    expect(queued).toBe(0);
    for (const avatar of [halfWritten, unwritten]) {
      expect(await db.prisma.avatar.findUnique({ where: { id: avatar.id } })).toBeNull();
      expect(existsSync(avatarDir(db.dataDir, avatar.id))).toBe(false);
    }
    // The finished avatar of the test before is untouched.
    expect(await db.prisma.avatar.count({ where: { userId, name: 'Whole' } })).toBe(1);
  });
});

describe('the app killed mid-preparation', () => {
  it('on start, prepares an avatar with a whole upload again, over its half-written store, to ready', async () => {
    const avatar = await uploadRow('Half prepared');
    const dir = avatarDir(db.dataDir, avatar.id);
    await mkdir(path.join(dir, 'store'), { recursive: true });
    await writeFile(sourcePath(db.dataDir, avatar.id, 'jpg'), portrait);
    // What the killed job left: a truncated store without its manifest, the temp file it was
    // writing (tests/integration/app-kill-preparation.test.ts finds one after a real kill),
    // progress at 40 %.
    await writeFile(path.join(dir, 'store', 'frames.frames'), Buffer.alloc(4096, 7));
    const temp = path.join(dir, 'store', '.frames.frames.4242-0f0e0d0c.tmp');
    await writeFile(temp, Buffer.alloc(4096, 7));
    await db.prisma.avatar.update({
      where: { id: avatar.id },
      data: { progress: 40, stage: 'Finding the face' },
    });

    const queued = await resumePreparations(db.prisma, db.dataDir);

    expect(queued).toBe(1);
    const during = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(during).toMatchObject({ status: 'preparing', progress: 0, stage: STAGES.queued });
    const done = await avatarSettled(db.prisma, avatar.id);
    expect(done.status, done.error ?? '').toBe('ready');
    expect(checkFrameStore(db.dataDir, done)).toEqual({ ok: true, frameCount: 1 });
    expect(readdirSync(path.join(dir, 'store')).sort()).toEqual(['frames.frames', 'frames.json']);
  }, 120_000);

  it('on start, fails a once-ready avatar whose rebuild lost its upload, saying what to do', async () => {
    // Ready before (a frame and a store were recorded), rebuilding when the app was killed,
    // and its source is gone: its owner knows this avatar, so it stays, failed with a reason.
    const avatar = await uploadRow('Rebuild without source');
    await db.prisma.avatar.update({
      where: { id: avatar.id },
      data: {
        stage: STAGES.rebuilding,
        framePath: path.join('avatars', avatar.id, 'frame.png'),
        storeDir: path.join('avatars', avatar.id, 'store'),
      },
    });

    expect(await resumePreparations(db.prisma, db.dataDir)).toBe(0);

    const failed = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatar.id } });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/upload the file again/);
  });
});
