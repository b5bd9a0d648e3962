import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { sessionRequestFor } from '@/lib/sessions/session-request';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { buildTestLipSyncModel } from '@/protocol/testing/lip-sync-test-model';
import {
  getLipSyncModel,
  lipSyncSettingsSchema,
  removeLipSyncModel,
  saveLipSyncModel,
} from './lip-sync-model';
import {
  inspectLipSyncModel,
  MAX_CONCURRENT_MODEL_CHECKS,
  type ModelCheckLimits,
} from './inspect-lip-sync-model';

let db: TestDatabase;
let userId: string;
let otherUserId: string;
let avatarId: string;

const streamOf = (bytes: Uint8Array | string) =>
  new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]).stream();

const modelFile = () => path.join(db.dataDir, 'avatars', avatarId, 'lipsync.onnx');

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'owner@example.com', password: 'password-1' })).id;
  otherUserId = (
    await createUser(db.prisma, { email: 'other@example.com', password: 'password-2' })
  ).id;
  avatarId = (
    await db.prisma.avatar.create({
      data: {
        userId,
        name: 'Host',
        sourceType: 'image/png',
        status: 'ready',
        framePath: 'avatars/x/frame.png',
        widthPx: 512,
        heightPx: 512,
        face: {
          box: { x: 0, y: 0, width: 1, height: 1 },
          landmarks: Array.from({ length: 468 }, () => [0, 0]),
        },
      },
    })
  ).id;
});
afterAll(() => db.destroy());

const save = (
  body: ReadableStream<Uint8Array>,
  settings: Record<string, string> = {},
  user = userId,
  checkLimits?: ModelCheckLimits,
) =>
  saveLipSyncModel(db.prisma, {
    userId: user,
    avatarId,
    dataDir: db.dataDir,
    body,
    settings: lipSyncSettingsSchema.parse(settings),
    ...(checkLimits ? { checkLimits } : {}),
  });

describe('lip-sync model of an avatar', () => {
  it('starts unconfigured', async () => {
    expect(await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir })).toEqual({
      configured: false,
    });
  });

  it('saves a valid model with its settings and hands it to the worker', async () => {
    const bytes = buildTestLipSyncModel({ melName: 'audio', faceName: 'video' });
    const view = await save(streamOf(bytes), { channelOrder: 'rgb', batchSize: '8' });
    expect(view).toMatchObject({
      configured: true,
      channelOrder: 'rgb',
      batchSize: 8,
      sizeBytes: bytes.byteLength,
      resolved: { melName: 'audio', faceName: 'video', outputName: 'output', faceSizePx: 96 },
    });
    expect(new Uint8Array(await readFile(modelFile()))).toEqual(bytes);
    const row = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatarId } });
    expect(row.lipSyncModel).toBe(path.join('avatars', avatarId, 'lipsync.onnx'));
    // The session request the worker gets: absolute path, settings, unknown keys dropped.
    const request = sessionRequestFor(
      { ...row, framePath: row.framePath!, widthPx: 512, heightPx: 512 },
      { id: 's1', roomName: 'r1' },
      db.dataDir,
      { provider: 'flite' },
    );
    expect(request.lipSync).toEqual({
      modelPath: modelFile(),
      channelOrder: 'rgb',
      batchSize: 8,
    });
  });

  it('checks a model in a child process under a memory limit: the app never loads it', async () => {
    const before = await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir });
    // 200 MB of weights: onnxruntime needs more than 300 MB to load it.
    let heavy: Uint8Array | null = buildTestLipSyncModel({ ballastMb: 200 });
    const body = streamOf(heavy);
    heavy = null;
    const rssBefore = process.memoryUsage().rss;
    const refused = await refusal(save(body, {}, userId, { memoryMb: 300 }));
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(/could not be loaded within the 300 MB a model check may use/);
    // Loading it here would have added its 200 MB of weights at least.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
    expect(await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir })).toEqual(
      before,
    );
  }, 60_000);

  it('gives up on a model check that takes too long, and bounds checks at once', async () => {
    const file = path.join(db.dataDir, 'check-me.onnx');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, buildTestLipSyncModel());
    await expect(inspectLipSyncModel(file, {}, { timeoutMs: 20 })).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/did not load within 0.02 s/) as unknown,
    });
    const checks = await Promise.allSettled(
      Array.from({ length: MAX_CONCURRENT_MODEL_CHECKS + 1 }, () => inspectLipSyncModel(file, {})),
    );
    const busy = checks.filter((c) => c.status === 'rejected');
    expect(busy).toHaveLength(1);
    expect((busy[0] as PromiseRejectedResult).reason).toMatchObject({
      status: 503,
      headers: { 'retry-after': '10' },
    });
    expect(checks.filter((c) => c.status === 'fulfilled')).toHaveLength(
      MAX_CONCURRENT_MODEL_CHECKS,
    );
  }, 60_000);

  it('replaces the model; a refused upload keeps the previous one', async () => {
    const second = buildTestLipSyncModel({ faceSizePx: 128 });
    const view = await save(streamOf(second));
    expect(view).toMatchObject({ configured: true, channelOrder: 'bgr', batchSize: 4 });
    expect(view.configured && view.resolved.faceSizePx).toBe(128);

    const garbage = await refusal(save(streamOf('definitely not an onnx model')));
    expect(garbage.status).toBe(422);
    expect(garbage.message).toContain('not an ONNX model');

    const wrong = await refusal(
      save(streamOf(buildTestLipSyncModel({ melShape: ['B', 1, 80, 8] }))),
    );
    expect(wrong.status).toBe(422);
    expect(wrong.message).toMatch(/mel input "mel" has shape \[B,1,80,8\]/);

    const badName = await refusal(save(streamOf(second), { melInput: 'spectrogram' }));
    expect(badName.message).toContain('no input named "spectrogram"');

    expect(await refusal(save(streamOf(new Uint8Array(0))))).toMatchObject({
      code: 'unprocessable',
    });

    const current = await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir });
    expect(current.configured && current.resolved.faceSizePx).toBe(128);
    expect(new Uint8Array(await readFile(modelFile()))).toEqual(second);
    // No upload leftovers.
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(path.dirname(modelFile()))).filter((f) => f.includes('upload'))).toEqual(
      [],
    );
  });

  it('refuses a body over the size limit without keeping any of it', async () => {
    const error = await refusal(
      saveLipSyncModel(db.prisma, {
        userId,
        avatarId,
        dataDir: db.dataDir,
        body: streamOf(new Uint8Array(5000)),
        settings: lipSyncSettingsSchema.parse({}),
        maxBytes: 4096,
      }),
    );
    expect(error.status).toBe(413);
    expect(error.message).toContain('larger than');
  });

  it("treats other users' avatars as not found", async () => {
    const bytes = buildTestLipSyncModel();
    expect((await refusal(save(streamOf(bytes), {}, otherUserId))).status).toBe(404);
    const get = getLipSyncModel(db.prisma, { userId: otherUserId, avatarId, dataDir: db.dataDir });
    expect((await refusal(get)).status).toBe(404);
    const remove = removeLipSyncModel(db.prisma, {
      userId: otherUserId,
      avatarId,
      dataDir: db.dataDir,
    });
    expect((await refusal(remove)).status).toBe(404);
    expect(existsSync(modelFile())).toBe(true);
  });

  it('validates settings: bad channel order or batch size is a clear 422', () => {
    expect(() => lipSyncSettingsSchema.parse({ channelOrder: 'bgra' })).toThrow(/channelOrder/);
    expect(() => lipSyncSettingsSchema.parse({ batchSize: '64' })).toThrow();
    expect(lipSyncSettingsSchema.parse({ batchSize: '2' }).batchSize).toBe(2);
  });

  it('reports a model whose file went missing, and deletes file and settings', async () => {
    await removeLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir });
    expect(existsSync(modelFile())).toBe(false);
    const row = await db.prisma.avatar.findUniqueOrThrow({ where: { id: avatarId } });
    expect([row.lipSyncModel, row.lipSyncConfig]).toEqual([null, null]);
    expect(await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir })).toEqual({
      configured: false,
    });

    await save(streamOf(buildTestLipSyncModel()));
    const { rm } = await import('node:fs/promises');
    await rm(modelFile());
    const view = await getLipSyncModel(db.prisma, { userId, avatarId, dataDir: db.dataDir });
    expect(view).toMatchObject({ configured: true, fileMissing: true });
  });
});
