/**
 * Who may talk to a session's avatar: PATCH /api/v1/sessions/:id {guestsMayTalk} (real
 * handler, real API-key auth, real database), the tokens the owner and guests get (only the
 * microphone, and for guests only when allowed), and the guests connected when the owner
 * flips the switch (updateSessionAccess hands them to LiveKit's server API).
 */
import type { Session } from '@prisma/client';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as SessionRoute from '@/app/api/v1/sessions/[id]/route';
import type * as TokensRoute from '@/app/api/v1/sessions/[id]/tokens/route';
import type * as WatchTokenRoute from '@/app/api/watch/[key]/token/route';
import { createApiKey } from '@/lib/auth/api-keys';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { updateSessionAccess } from './update-session-access';

const LIVEKIT_API_KEY = 'access-key';
const LIVEKIT_API_SECRET = 'access-secret-access-secret-access-secret';

// Quiet: the handler's failed calls to LiveKit below are expected (the logger reads it at import).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'silent';
});

/** The watch page's logged-in user: null for a guest (no login cookie in these requests). */
const viewer = vi.hoisted(() => ({ user: null as { id: string; email?: string } | null }));
vi.mock('@/lib/auth/current-user', () => ({ currentUser: () => Promise.resolve(viewer.user) }));

let db: TestDatabase;
let ownerId: string;
let ownerKey: string;
let otherKey: string;
let sessionRoute: typeof SessionRoute;
let tokensRoute: typeof TokensRoute;
let watchRoute: typeof WatchTokenRoute;

beforeAll(async () => {
  db = await createTestDatabase();
  Object.assign(process.env, {
    AUTH_SECRET: 'session-access-secret-session-access',
    WORKER_SECRET: 'session-access-worker',
    FACECAST_DATA_DIR: db.dataDir,
    FACECAST_PLUGINS: '',
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
    // Nothing listens here: the handler's call to LiveKit fails and is only logged.
    LIVEKIT_URL: 'ws://127.0.0.1:9',
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  ownerId = (await createUser(db.prisma, { email: 'host@example.com', password: 'password-1' })).id;
  const otherId = (
    await createUser(db.prisma, { email: 'stranger@example.com', password: 'password-2' })
  ).id;
  ownerKey = (await createApiKey(db.prisma, { userId: ownerId, name: 't' })).key;
  otherKey = (await createApiKey(db.prisma, { userId: otherId, name: 't' })).key;
  sessionRoute = await import('@/app/api/v1/sessions/[id]/route');
  tokensRoute = await import('@/app/api/v1/sessions/[id]/tokens/route');
  watchRoute = await import('@/app/api/watch/[key]/token/route');
});
afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

let counter = 0;
async function liveSession(): Promise<Session> {
  counter += 1;
  const avatar = await db.prisma.avatar.create({
    data: { userId: ownerId, name: 'Guide', sourceType: 'image/png', status: 'ready' },
  });
  return db.prisma.session.create({
    data: {
      userId: ownerId,
      avatarId: avatar.id,
      roomName: `fc-access-${counter}`,
      viewerKey: `access-key-${counter}`,
      status: 'live',
      publicViewing: true,
    },
  });
}

async function call(
  handler: (request: Request, context: { params: Promise<never> }) => Promise<Response>,
  options: { url: string; method: string; params: Record<string, string>; body?: unknown },
  key = ownerKey,
) {
  const response = await handler(
    new Request(`http://localhost${options.url}`, {
      method: options.method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    }),
    { params: Promise.resolve(options.params as never) },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const patch = (session: Session, body: unknown, key = ownerKey) =>
  call(
    sessionRoute.PATCH,
    { url: `/api/v1/sessions/${session.id}`, method: 'PATCH', params: { id: session.id }, body },
    key,
  );

/** The grant's claims, checked against the LiveKit secret like the LiveKit server does. */
async function claimsOf(body: Record<string, unknown>) {
  const claims = await new TokenVerifier(LIVEKIT_API_KEY, LIVEKIT_API_SECRET).verify(
    String(body.token),
  );
  expect(claims.sub).toBe(body.identity);
  return claims.video ?? {};
}

const ownerToken = async (session: Session) =>
  call(tokensRoute.POST, {
    url: `/api/v1/sessions/${session.id}/tokens`,
    method: 'POST',
    params: { id: session.id },
  });
const watchToken = (session: Session) =>
  call(watchRoute.POST, {
    url: `/api/watch/${session.viewerKey}/token`,
    method: 'POST',
    params: { key: session.viewerKey },
    // Guests name themselves; the owner's name comes from the account.
    body: { name: 'Guest' },
  });

describe('PATCH /api/v1/sessions/:id {guestsMayTalk}', () => {
  it('stores the switch and shows it in the session; refuses an empty or wrong body with 422', async () => {
    const session = await liveSession();
    const shown = await call(sessionRoute.GET, {
      url: `/api/v1/sessions/${session.id}`,
      method: 'GET',
      params: { id: session.id },
    });
    expect(shown.body).toMatchObject({ guestsMayTalk: false, publicViewing: true });

    const on = await patch(session, { guestsMayTalk: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ guestsMayTalk: true, publicViewing: true });
    // publicViewing alone leaves it as it is.
    expect((await patch(session, { publicViewing: false })).body).toMatchObject({
      guestsMayTalk: true,
      publicViewing: false,
    });

    for (const body of [{}, { guestsMayTalk: 'yes' }, { guestsMayTalk: true, mic: true }]) {
      const refused = await patch(session, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
    }
    expect((await patch(session, { guestsMayTalk: 'yes' })).body).toMatchObject({
      error: { message: expect.stringMatching(/guestsMayTalk must be true or false/) as string },
    });
    // Another user's session does not exist for them.
    expect((await patch(session, { guestsMayTalk: false }, otherKey)).status).toBe(404);
    expect(
      (await db.prisma.session.findUniqueOrThrow({ where: { id: session.id } })).guestsMayTalk,
    ).toBe(true);
  });
});

describe('tokens', () => {
  it("the owner's token may publish the microphone and nothing else", async () => {
    const session = await liveSession();
    const grant = await ownerToken(session);
    expect(grant.status).toBe(200);
    expect(grant.body).toMatchObject({ mayTalk: true });
    expect(await claimsOf(grant.body)).toMatchObject({
      room: session.roomName,
      roomJoin: true,
      canSubscribe: true,
      canPublish: true,
      canPublishData: true,
      canPublishSources: ['microphone'],
    });
  });

  it('a guest may publish nothing until the owner lets guests talk, then only the microphone', async () => {
    const session = await liveSession();
    viewer.user = null;
    const before = await watchToken(session);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({ mayTalk: false, avatarName: 'Guide' });
    expect(String(before.body.identity)).toMatch(/^guest-/);
    const denied = await claimsOf(before.body);
    // No data either: guests' chat goes through the app (lib/rooms).
    expect(denied).toMatchObject({ canSubscribe: true, canPublish: false, canPublishData: false });
    expect(denied.canPublishSources ?? []).toEqual([]);

    await patch(session, { guestsMayTalk: true });
    const after = await watchToken(session);
    expect(after.body).toMatchObject({ mayTalk: true });
    expect(await claimsOf(after.body)).toMatchObject({
      canPublish: true,
      canPublishSources: ['microphone'],
    });

    // The owner on the watch page talks as the owner, whatever the switch says.
    await patch(session, { guestsMayTalk: false });
    expect((await claimsOf((await watchToken(session)).body)).canPublish).toBe(false);
    viewer.user = { id: ownerId, email: 'owner@example.com' };
    const owner = await watchToken(session);
    expect(String(owner.body.identity)).toMatch(/^viewer-/);
    expect(await claimsOf(owner.body)).toMatchObject({ canPublishSources: ['microphone'] });
    viewer.user = null;
  });
});

describe('updateSessionAccess', () => {
  it('hands the change to the guests connected now, only when it changes and the session runs', async () => {
    const session = await liveSession();
    const calls: Array<[string, boolean]> = [];
    const update = (changes: { guestsMayTalk?: boolean; publicViewing?: boolean }) =>
      updateSessionAccess(db.prisma, {
        userId: ownerId,
        sessionId: session.id,
        changes,
        setGuestMicrophones: (room, mayTalk) => {
          calls.push([room, mayTalk]);
          return Promise.resolve(2);
        },
      });
    await update({ guestsMayTalk: true });
    await update({ guestsMayTalk: true });
    await update({ publicViewing: false });
    await update({ guestsMayTalk: false });
    expect(calls).toEqual([
      [session.roomName, true],
      [session.roomName, false],
    ]);

    // LiveKit unreachable: stored all the same (guests get it with their next token).
    const stored = await updateSessionAccess(db.prisma, {
      userId: ownerId,
      sessionId: session.id,
      changes: { guestsMayTalk: true },
      setGuestMicrophones: () => Promise.reject(new Error('connect ECONNREFUSED')),
    });
    expect(stored.guestsMayTalk).toBe(true);

    // An ended session has nobody to update.
    await db.prisma.session.update({ where: { id: session.id }, data: { status: 'ended' } });
    await update({ guestsMayTalk: false });
    expect(calls).toHaveLength(2);
  });
});
