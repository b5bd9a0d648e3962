/**
 * What POST /api/v1/agent-sessions refuses before anything starts: tokens that cannot work,
 * LiveKit URLs a user may not point a worker host at, and a worker pool with no free slot
 * (503 with Retry-After, as for any session). Nothing is stored for a refusal.
 */
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAvatar } from '@/lib/avatars/create-avatar';
import { loadDemoPortrait } from '@/lib/avatars/demo-portrait';
import { ApiError } from '@/lib/api/errors';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { POOL_RETRY_AFTER_S } from '@/lib/workers/pool-capacity';
import { recordHostReport } from '@/lib/workers/record-host-report';
import { startAgentSession } from './start-agent-session';

let db: TestDatabase;
let adminId: string;
let userId: string;
let avatarId: string;

beforeAll(async () => {
  Object.assign(process.env, {
    AUTH_SECRET: 'agent-session-test-secret-agent-session',
    WORKER_SECRET: 'agent-session-worker',
  });
  db = await createTestDatabase();
  // The first account is the admin (who may use private addresses); the user here is not.
  adminId = (await createUser(db.prisma, { email: 'admin@example.com', password: 'password-1' }))
    .id;
  userId = (await createUser(db.prisma, { email: 'agent@example.com', password: 'password-1' })).id;
  avatarId = (
    await db.prisma.avatar.create({
      data: { userId, name: 'Face', sourceType: 'image/png', status: 'ready' },
    })
  ).id;
});
afterAll(() => db.destroy());

async function agentToken(ttlS = 600) {
  const at = new AccessToken('key', 'secret-secret-secret-secret-secret', {
    identity: 'facecast-avatar',
    ttl: ttlS,
    attributes: { 'lk.publish_on_behalf': 'agent-1' },
  });
  at.kind = 'agent';
  at.addGrant({ roomJoin: true, room: 'support', canPublish: true });
  return at.toJwt();
}

const start = (livekitUrl: string, livekitToken: string, id = avatarId) =>
  startAgentSession(db.prisma, {
    userId,
    avatarId: id,
    livekitUrl,
    livekitToken,
    dataDir: db.dataDir,
  }).catch((error: unknown) => error);

describe('startAgentSession refusals', () => {
  it('422 for a token that cannot work, saying what to fix', async () => {
    const expired = await agentToken(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await start('wss://lk.example.com', expired)).toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/expired/) as unknown,
    });
    expect(await start('wss://lk.example.com', 'not.a.token')).toMatchObject({
      code: 'unprocessable',
    });
  });

  it('422 for a LiveKit URL on this machine (not an admin) or at a metadata address', async () => {
    const token = await agentToken();
    expect(await start('ws://127.0.0.1:7880', token)).toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/livekitUrl: .*only an admin/) as unknown,
    });
    expect(await start('ws://169.254.169.254', token)).toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/metadata/) as unknown,
    });
    expect(await start('ftp://lk.example.com', token)).toMatchObject({ code: 'unprocessable' });
  });

  it("404 for an unknown or another user's avatar", async () => {
    const other = await createUser(db.prisma, {
      email: 'other@example.com',
      password: 'password-1',
    });
    const theirs = await db.prisma.avatar.create({
      data: { userId: other.id, name: 'Theirs', sourceType: 'image/png', status: 'ready' },
    });
    const token = await agentToken();
    expect(await start('wss://lk.example.com', token, theirs.id)).toMatchObject({
      code: 'not_found',
    });
    expect(await db.prisma.session.count()).toBe(0);
  });
});

describe('startAgentSession on a full pool', () => {
  it('503 with Retry-After when every slot is in use, and nothing is started', async () => {
    // A real prepared avatar (the frame store is checked before the pool), of the admin, who
    // may point the face at a LiveKit server on this machine.
    const avatar = await createAvatar(db.prisma, {
      userId: adminId,
      name: 'Agent face',
      file: await loadDemoPortrait(),
      dataDir: db.dataDir,
      maxBytes: 20 * 1024 * 1024,
      waitForPreparation: true,
    });
    expect(avatar.status, avatar.error ?? '').toBe('ready');
    // The only worker host says it runs as many sessions as it can.
    await recordHostReport(db.prisma, {
      hostId: 'box-full',
      state: 'full',
      capacity: 2,
      active: 2,
      prewarmed: 0,
      load: 1,
      cpuPercent: 180,
      cores: 2,
      rssMb: 900,
      pssMb: 700,
      restarts: 0,
      sessions: [],
      handBack: [],
      failed: [],
    });
    const before = await db.prisma.session.count();

    const refusal: unknown = await startAgentSession(db.prisma, {
      userId: adminId,
      avatarId: avatar.id,
      livekitUrl: 'ws://127.0.0.1:7880',
      livekitToken: await agentToken(),
      dataDir: db.dataDir,
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    const error = refusal as ApiError;
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/Every avatar slot is in use \(2 of 2\)/);
    expect(error.headers['retry-after']).toBe(String(POOL_RETRY_AFTER_S));
    expect(await db.prisma.session.count()).toBe(before);
  }, 120_000);
});
