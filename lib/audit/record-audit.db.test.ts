import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { listAuditEvents } from './list-audit-events';
import { recordAudit } from './record-audit';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('the audit log', () => {
  it('records who, what, which resource and from where; lists newest first, filtered, paged', async () => {
    const actor = { id: 'u1', email: 'a@example.com', via: 'cookie' };
    await recordAudit(db.prisma, {
      actor,
      action: 'api_key.created',
      target: { type: 'api_key', id: 'k1' },
      headers: headers({ 'x-forwarded-for': '203.0.113.7', 'user-agent': 'x'.repeat(1000) }),
      details: { name: 'ci', scopes: ['read'] },
    });
    await recordAudit(db.prisma, {
      actor,
      action: 'api_key.revoked',
      target: { type: 'api_key', id: 'k1' },
      headers: headers({ 'x-forwarded-for': '203.0.113.7' }),
    });
    await recordAudit(db.prisma, {
      actor: { id: null, email: 'nobody@example.com', via: 'login' },
      action: 'login.failed',
      headers: headers({}),
      details: { reason: 'no such account' },
    });

    const all = await listAuditEvents(db.prisma);
    expect(all.events.map((e) => e.action)).toEqual([
      'login.failed',
      'api_key.revoked',
      'api_key.created',
    ]);
    expect(all.events[2]).toMatchObject({
      actorId: 'u1',
      via: 'cookie',
      targetType: 'api_key',
      targetId: 'k1',
      ip: '203.0.113.7',
      details: { name: 'ci', scopes: ['read'] },
    });
    expect(all.events[2]?.userAgent).toHaveLength(300);
    expect(all.events[0]).toMatchObject({ actorId: null, ip: 'unknown' });

    const byActor = await listAuditEvents(db.prisma, { actorId: 'u1', action: 'api_key.created' });
    expect(byActor.events.map((e) => e.action)).toEqual(['api_key.created']);

    const first = await listAuditEvents(db.prisma, { limit: 2 });
    expect(first.events).toHaveLength(2);
    const rest = await listAuditEvents(db.prisma, { limit: 2, before: first.nextBefore! });
    expect(rest).toMatchObject({ nextBefore: null });
    expect(rest.events.map((e) => e.action)).toEqual(['api_key.created']);
  });

  it('never fails the action it records', async () => {
    const broken = {
      auditEvent: { create: () => Promise.reject(new Error('database gone')) },
    } as unknown as PrismaClient;
    await expect(
      recordAudit(broken, {
        actor: { id: 'u1', email: null, via: 'cookie' },
        action: 'avatar.deleted',
        headers: headers({}),
      }),
    ).resolves.toBeUndefined();
  });
});
