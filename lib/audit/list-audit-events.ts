import type { PrismaClient } from '@prisma/client';
import type { AuditAction } from './record-audit';

export const AUDIT_PAGE_SIZE = 100;

/** An audit event as the admin API and page show it. */
export interface AuditEventView {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  via: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string;
  userAgent: string | null;
  details: unknown;
}

export interface ListAuditOptions {
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  /** Only events before this one (the previous page's `nextBefore`). */
  before?: string | undefined;
  limit?: number | undefined;
}

/** The newest audit events first, filtered by action and actor, a page at a time. */
export async function listAuditEvents(
  prisma: PrismaClient,
  options: ListAuditOptions = {},
): Promise<{ events: AuditEventView[]; nextBefore: string | null }> {
  const limit = options.limit ?? AUDIT_PAGE_SIZE;
  const rows = await prisma.auditEvent.findMany({
    where: {
      ...(options.action ? { action: options.action } : {}),
      ...(options.actorId ? { actorId: options.actorId } : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    ...(options.before ? { cursor: { id: options.before }, skip: 1 } : {}),
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    events: page.map((row) => ({ ...row, at: row.at.toISOString(), details: row.details })),
    nextBefore: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
