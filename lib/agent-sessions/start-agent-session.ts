/**
 * Starts an avatar as the face of a LiveKit Agent: the agent's server and token are checked
 * here (a 422 saying what to fix), then the session starts like any other (quotas, pool
 * capacity, a prewarmed process on a worker host) but joins the agent's room with the agent's
 * token (protocol/session-request.ts `agent`). It ends when stopped, when the agent leaves,
 * or when its room closes.
 */
import type { PrismaClient } from '@prisma/client';
import { outboundPolicyOf, assertProviderUrls } from '@/lib/providers/outbound-policy';
import { startSession } from '@/lib/sessions/start-session';
import { livekitHttpEquivalent, readAgentToken } from './agent-token';

export interface StartAgentSessionOptions {
  userId: string;
  avatarId: string;
  livekitUrl: string;
  livekitToken: string;
  dataDir: string;
  /** How long to wait for the face to join, ms (startSession's default when absent). */
  waitMs?: number;
}

export async function startAgentSession(prisma: PrismaClient, options: StartAgentSessionOptions) {
  const token = readAgentToken(options.livekitToken);
  // The worker host connects there: a user-set URL, checked like every outbound one.
  await assertProviderUrls(
    { livekitUrl: livekitHttpEquivalent(options.livekitUrl) },
    await outboundPolicyOf(prisma, options.userId),
  );
  const session = await startSession(prisma, {
    userId: options.userId,
    avatarId: options.avatarId,
    dataDir: options.dataDir,
    agent: {
      livekitUrl: options.livekitUrl,
      token: options.livekitToken,
      room: token.room,
      agentIdentity: token.agentIdentity,
    },
    ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
  });
  return { session, identity: token.identity };
}
