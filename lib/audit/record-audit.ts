/**
 * The audit log: who did what to which resource, from where (AuditEvent; docs/security.md).
 * Written after the action succeeded; a failed write is logged and never undoes or fails
 * the action it describes. Details never hold a secret (no passwords, no key values).
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import type { Caller } from '@/lib/auth/with-auth';
import { log } from '@/lib/log/logger';
import { clientIp } from '@/lib/rate-limits/client-ip';

export const AUDIT_ACTIONS = [
  'login.succeeded',
  'login.failed',
  'password.changed',
  'logins.ended',
  'api_key.created',
  'api_key.revoked',
  'user.updated',
  'avatar.deleted',
  'session.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  id: string | null;
  email: string | null;
  /** "cookie", "api_key:<key id>" or "login". */
  via: string;
}

/** The actor of an authenticated API request. */
export const actorOf = (caller: Caller): AuditActor => ({
  id: caller.user.id,
  email: caller.user.email,
  via: caller.apiKey ? `api_key:${caller.apiKey.id}` : 'cookie',
});

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  /** The request's headers: the client's address and User-Agent come from them. */
  headers: Pick<Headers, 'get'>;
  details?: Prisma.InputJsonObject;
}

const USER_AGENT_MAX = 300;

/** Records one event; never throws. */
export async function recordAudit(prisma: PrismaClient, entry: AuditEntry): Promise<void> {
  try {
    await prisma.auditEvent.create({
      data: {
        actorId: entry.actor.id,
        actorEmail: entry.actor.email,
        via: entry.actor.via,
        action: entry.action,
        targetType: entry.target?.type ?? null,
        targetId: entry.target?.id ?? null,
        ip: clientIp(entry.headers),
        userAgent: entry.headers.get('user-agent')?.slice(0, USER_AGENT_MAX) ?? null,
        ...(entry.details ? { details: entry.details } : {}),
      },
    });
  } catch (error) {
    log.error({ err: error, action: entry.action }, 'could not write the audit event');
  }
}
