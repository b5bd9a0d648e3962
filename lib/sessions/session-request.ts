/**
 * The session request a worker receives (protocol/session-request.ts), built from the
 * avatar row. One helper for the first start and for every re-dispatch, so a session that
 * moves to another host runs exactly what it started with.
 */
import path from 'node:path';
import type { Avatar, PrismaClient } from '@prisma/client';
import { ApiError } from '@/lib/api/errors';
import { AVATAR_STORE_NAME } from '@/lib/avatars/avatar-store';
import { lipSyncModelSchema } from '@/protocol/lip-sync/lip-sync-model';
import type { SpeechProvider } from '@/protocol/speech-provider';
import { faceGeometrySchema } from '@/protocol/face-geometry';
import { type SessionRequest } from '@/protocol/session-request';
import { conversationFor } from '@/lib/conversation/conversation-settings';
import { widgetConversation } from '@/lib/embeds/widget-conversation';
import type { TranscriberEnv } from '@/lib/conversation/transcription-settings';
import type { ConversationSettings } from '@/protocol/conversation';
import { outboundPolicyFor } from '@/lib/providers/outbound-policy';
import type { OutboundPolicy } from '@/protocol/providers/outbound';
import { SealError, unsealSecret } from '@/protocol/sealing';
import { speechProviderFor } from './speech-config';

/** Everything the worker needs to run this avatar; paths become absolute on the way out. */
export function sessionRequestFor(
  avatar: Avatar & { framePath: string; widthPx: number; heightPx: number },
  session: { id: string; roomName: string },
  dataDir: string,
  speech: SpeechProvider,
  conversation?: ConversationSettings,
  outbound?: OutboundPolicy,
): SessionRequest {
  const lipSync = avatar.lipSyncModel
    ? lipSyncModelSchema.parse({
        ...(typeof avatar.lipSyncConfig === 'object' ? avatar.lipSyncConfig : {}),
        modelPath: path.resolve(dataDir, avatar.lipSyncModel),
      })
    : undefined;
  return {
    sessionId: session.id,
    roomName: session.roomName,
    avatar: {
      id: avatar.id,
      name: avatar.name,
      framePath: path.resolve(dataDir, avatar.framePath),
      widthPx: avatar.widthPx,
      heightPx: avatar.heightPx,
      face: faceGeometrySchema.parse(avatar.face),
      ...(avatar.storeDir
        ? { store: { dir: path.resolve(dataDir, avatar.storeDir), name: AVATAR_STORE_NAME } }
        : {}),
    },
    voice: avatar.voice,
    speechRate: avatar.speechRate,
    speech,
    ...(lipSync ? { lipSync } : {}),
    ...(conversation ? { conversation } : {}),
    ...(outbound ? { outbound } : {}),
  };
}

/**
 * The request for an existing session, read from the database: its avatar as it is now, its
 * speech provider with the API key unsealed. Throws ApiError when the avatar can no longer
 * run (deleted, being rebuilt, key unreadable).
 */
export async function sessionRequestForSession(
  prisma: PrismaClient,
  options: {
    sessionId: string;
    dataDir: string;
    env: { AUTH_SECRET: string } & TranscriberEnv;
  },
): Promise<SessionRequest> {
  const session = await prisma.session.findUnique({
    where: { id: options.sessionId },
    include: {
      avatar: { include: { user: { select: { isAdmin: true } } } },
      embed: { select: { mode: true, greeting: true } },
    },
  });
  if (!session) throw new ApiError('not_found', `Session ${options.sessionId} not found.`);
  const { avatar } = session;
  if (avatar.status !== 'ready' || !avatar.framePath || !avatar.widthPx || !avatar.heightPx) {
    throw new ApiError('conflict', 'The avatar of this session is no longer ready to render.');
  }
  const request = sessionRequestFor(
    { ...avatar, framePath: avatar.framePath, widthPx: avatar.widthPx, heightPx: avatar.heightPx },
    session,
    options.dataDir,
    speechProviderFor(avatar, options.env),
    widgetConversation(conversationFor(avatar, options.env), session.embed),
    outboundPolicyFor(avatar.user.isAdmin),
  );
  return { ...request, ...agentFaceOf(session, options.env.AUTH_SECRET) };
}

/** An agent's face joins the agent's room again with the token it was started with. */
function agentFaceOf(
  session: {
    roomName: string;
    agentUrl: string | null;
    agentIdentity: string | null;
    agentTokenSealed: string | null;
  },
  appSecret: string,
): Pick<SessionRequest, 'agent'> {
  if (!session.agentUrl || !session.agentIdentity || !session.agentTokenSealed) return {};
  let token: string;
  try {
    token = unsealSecret(session.agentTokenSealed, appSecret, session.roomName);
  } catch (error) {
    if (error instanceof SealError) {
      throw new ApiError(
        'conflict',
        "The agent's token can no longer be read (the app secret changed).",
      );
    }
    throw error;
  }
  return {
    agent: { livekitUrl: session.agentUrl, token, agentIdentity: session.agentIdentity },
  };
}
