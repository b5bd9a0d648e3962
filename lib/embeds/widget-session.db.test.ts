/**
 * The widget's start and token refresh on the real database: a visitor joins the avatar's
 * live broadcast when one is on, their LiveKit token lives at most 10 minutes and is
 * refreshed for the same identity while the widget stays open, and one embed can only start
 * so many conversations a minute whatever the addresses. LiveKit is pointed at a closed
 * loopback port (the room listing fails and counts nobody, as when the server is down); a
 * start that would need a new session therefore never happens here: every start joins a
 * broadcast, so what is tested is the widget's own code.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Session } from '@prisma/client';
import type { ApiError } from '@/lib/api/errors';
import { verifyRoomToken } from '@/lib/rooms/room-token';
import { insertBooking, seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { refusedWith } from '@/lib/testing/refused-with';
import { insertSession } from '@/lib/testing/session-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { embedInputSchema, putEmbed } from './embed-settings';
import {
  findEmbed,
  refreshWidgetToken,
  startWidgetSession,
  WIDGET_TOKEN_TTL_S,
} from './widget-session';

/** Widget starts one address may make a minute here; one embed may make ten times that. */
const STARTS_PER_IP = 2;

let db: TestDatabase;
let restoreEnv = () => {};

beforeAll(async () => {
  restoreEnv = setTestEnv('widget-session', {
    LIVEKIT_URL: 'ws://127.0.0.1:9',
    FACECAST_WIDGET_STARTS_PER_MINUTE: String(STARTS_PER_IP),
  });
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  restoreEnv();
  await db.destroy();
});

/** An owner whose avatar is embedded and live in a broadcast visitors may join. */
async function embeddedBroadcast(email: string, microphone = false) {
  const owner = await seedOwnerWithAvatar(db.prisma, email);
  const { view } = await putEmbed(db.prisma, {
    ...owner,
    input: embedInputSchema.parse({ allowedOrigins: ['https://shop.example'], microphone }),
  });
  const now = Date.now();
  const booking: Booking = await insertBooking(
    db.prisma,
    owner,
    new Date(now - 60_000),
    new Date(now + 3_600_000),
    { kind: 'broadcast', maxViewers: 100, talk: 'everyone' },
  );
  const session: Session = await insertSession(db.prisma, owner, {
    bookingId: booking.id,
    guestsMayTalk: true,
  });
  return { owner, embed: await findEmbed(db.prisma, view.embedKey), booking, session };
}

describe('opening the widget while the avatar is live in a broadcast', () => {
  it("seats the visitor in the broadcast: kind 'broadcast', the broadcast's room", async () => {
    const { embed, session } = await embeddedBroadcast('widget-broadcast@example.com', true);
    const grant = await startWidgetSession(db.prisma, { embed, clientIp: '203.0.113.1' });
    expect(grant).toMatchObject({
      kind: 'broadcast',
      sessionId: session.id,
      name: 'Visitor',
      mayTalk: true,
      livekitUrl: 'ws://127.0.0.1:9',
    });
    expect(grant.identity).toMatch(/^guest-[0-9a-f]{12}$/);
    const claims = await verifyRoomToken(grant.token);
    expect(claims).toMatchObject({ identity: grant.identity, roomName: session.roomName });
    // The visitor is a guest of the broadcast; no session of the visitor's own was made.
    expect(
      await db.prisma.roomParticipant.findUnique({
        where: { sessionId_identity: { sessionId: session.id, identity: grant.identity } },
      }),
    ).toMatchObject({ role: 'guest', name: 'Visitor' });
    expect(await db.prisma.session.count({ where: { avatarId: embed.avatarId } })).toBe(1);
  });
});

describe('the widget token', () => {
  it('lives at most 10 minutes and is refreshed for the same visitor while open', async () => {
    const { embed, session } = await embeddedBroadcast('widget-token@example.com');
    const first = await startWidgetSession(db.prisma, { embed, clientIp: '203.0.113.2' });
    // LiveKit tokens carry nbf (issued at) and exp, in seconds.
    const claims = decodeJwt(first.token);
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(600);
    expect(claims.exp! - claims.nbf!).toBe(WIDGET_TOKEN_TTL_S);
    expect(claims.exp! - Date.now() / 1000).toBeLessThanOrEqual(600);
    expect(Math.abs(Date.parse(first.expiresAt) / 1000 - claims.exp!)).toBeLessThanOrEqual(1);

    // A second later (token times are whole seconds), the frame asks for a fresh one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await refreshWidgetToken(db.prisma, { embed, token: first.token });
    expect(fresh).toMatchObject({
      kind: 'broadcast',
      sessionId: session.id,
      identity: first.identity,
      name: first.name,
    });
    const freshClaims = decodeJwt(fresh.token);
    expect(freshClaims.exp! - freshClaims.nbf!).toBe(WIDGET_TOKEN_TTL_S);
    expect(freshClaims.exp!).toBeGreaterThan(claims.exp!);
    expect(await verifyRoomToken(fresh.token)).toMatchObject({
      identity: first.identity,
      roomName: session.roomName,
    });
    const row = await db.prisma.roomParticipant.findUniqueOrThrow({
      where: { sessionId_identity: { sessionId: session.id, identity: first.identity } },
    });
    expect(row.lastTokenAt).not.toBeNull();

    // Once the conversation has ended, no more tokens.
    await db.prisma.session.update({
      where: { id: session.id },
      data: { status: 'ended', endedAt: new Date() },
    });
    await expect(refreshWidgetToken(db.prisma, { embed, token: fresh.token })).rejects.toSatisfy(
      refusedWith('conflict', /has ended/),
    );
    // A token that is not one of this embed's visitors gets nothing.
    await expect(
      refreshWidgetToken(db.prisma, { embed, token: `${fresh.token}x` }),
    ).rejects.toSatisfy(refusedWith('unauthorized', /not valid/));
  });
});

describe('widget start limits', () => {
  it('refuses one address over its budget, and one embed over ten times that from any addresses', async () => {
    const { embed } = await embeddedBroadcast('widget-limit@example.com');
    const start = (clientIp: string) => startWidgetSession(db.prisma, { embed, clientIp });

    for (let i = 0; i < STARTS_PER_IP; i++) await start('198.51.100.1');
    await expect(start('198.51.100.1')).rejects.toSatisfy(
      refusedWith('rate_limited', /from your address \(at most 2 a minute\)/),
    );

    // The embed's budget (20 a minute) counts the starts of every address (a refused one
    // spent nothing): 2 so far, 18 more from 18 other addresses, then the embed is full.
    const embedBudget = STARTS_PER_IP * 10;
    for (let i = STARTS_PER_IP; i < embedBudget; i++) await start(`198.51.100.${i + 10}`);
    const refusal: unknown = await start('198.51.100.250').catch((error: unknown) => error);
    expect(refusal).toSatisfy(refusedWith('rate_limited', /This avatar is starting too many/));
    const { status, headers } = refusal as ApiError;
    expect(status).toBe(429);
    expect(Number(headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(Number(headers?.['Retry-After'])).toBeLessThanOrEqual(60);
  }, 60_000);
});
