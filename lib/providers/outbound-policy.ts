/**
 * The outbound policy of a user's provider URLs (protocol/providers/outbound.ts): admins may
 * reach loopback and private addresses, everyone else only public ones and the hosts the
 * operator lists in FACECAST_OUTBOUND_ALLOWLIST. Link-local and metadata addresses: nobody.
 */
import type { PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import {
  assertOutboundAllowed,
  OutboundRefused,
  parseAllowlist,
  type OutboundPolicy,
} from '@/protocol/providers/outbound';

export function outboundPolicyFor(isAdmin: boolean): OutboundPolicy {
  return {
    allowPrivate: isAdmin,
    allowlist: parseAllowlist(env().FACECAST_OUTBOUND_ALLOWLIST),
  };
}

/** The policy of a user by id (an unknown user: public addresses only). */
export async function outboundPolicyOf(
  prisma: PrismaClient,
  userId: string,
): Promise<OutboundPolicy> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { isAdmin: true } });
  return outboundPolicyFor(user?.isAdmin ?? false);
}

/**
 * 422 naming the field when a URL being set may not be requested under `policy`; the same
 * check runs again whenever the URL is used (guardedFetch).
 */
export async function assertProviderUrls(
  urls: Record<string, string | undefined>,
  policy: OutboundPolicy,
): Promise<void> {
  for (const [field, url] of Object.entries(urls)) {
    if (!url) continue;
    try {
      await assertOutboundAllowed(url, policy);
    } catch (error) {
      if (error instanceof OutboundRefused)
        throw new ApiError('unprocessable', `${field}: ${error.message}`);
      throw error;
    }
  }
}
