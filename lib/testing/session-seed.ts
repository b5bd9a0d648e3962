/** Session rows the quota and metering tests start from, written straight to the database. */
import { randomBytes } from 'node:crypto';
import type { PrismaClient, Session } from '@prisma/client';

/** A session row of `owner`'s avatar; live unless `extra` says otherwise. */
export function insertSession(
  prisma: Pick<PrismaClient, 'session'>,
  owner: { userId: string; avatarId: string },
  extra: Partial<Session> = {},
): Promise<Session> {
  return prisma.session.create({
    data: {
      ...owner,
      roomName: `fc-${randomBytes(6).toString('hex')}`,
      viewerKey: randomBytes(12).toString('base64url'),
      status: 'live',
      ...extra,
    },
  });
}
