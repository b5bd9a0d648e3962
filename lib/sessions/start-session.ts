import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { checkFrameStore } from '@/lib/avatars/check-frame-store';
import { rebuildAvatarStore } from '@/lib/avatars/rebuild-avatar-store';
import { createRoom, deleteRoom } from '@/lib/livekit/livekit';
import { env } from '@/lib/config/env';
import { log } from '@/lib/log/logger';
import { sessionRequestFor } from './session-request';
import { speechProviderFor } from './speech-config';
import { AvatarStoreInvalidError, startWorkerSession } from './worker-client';

export { sessionRequestFor } from './session-request';

export interface StartSessionOptions {
  userId: string;
  avatarId: string;
  dataDir: string;
  publicViewing?: boolean;
}

/**
 * Starts a live session: a session row, a LiveKit room, and the avatar handed to a worker
 * host. If the room or the worker fails, the session is marked failed and the room removed.
 */
export async function startSession(prisma: PrismaClient, options: StartSessionOptions) {
  const avatar = await prisma.avatar.findFirst({
    where: { id: options.avatarId, userId: options.userId },
  });
  if (!avatar) throw notFound('Avatar');
  if (avatar.status !== 'ready' || !avatar.framePath || !avatar.widthPx || !avatar.heightPx) {
    throw new ApiError(
      'conflict',
      avatar.status === 'failed'
        ? `This avatar cannot be used: ${avatar.error ?? 'preparation failed'}`
        : 'This avatar is still being prepared. Start the session once its status is "ready".',
    );
  }
  // A damaged store is never rendered: rebuild it from the kept upload and say so.
  const store = await checkFrameStore(options.dataDir, avatar);
  if (!store.ok) {
    log.warn({ avatarId: avatar.id, code: store.code, detail: store.message }, 'frame store bad');
    throw await rebuildStore(prisma, avatar.id, options.dataDir);
  }
  // Before the session exists: a key that can no longer be unsealed is the user's to fix.
  const speech = speechProviderFor(avatar, env());
  const session = await prisma.session.create({
    data: {
      userId: options.userId,
      avatarId: avatar.id,
      roomName: `fc-${randomBytes(6).toString('hex')}`,
      viewerKey: randomBytes(18).toString('base64url'),
      publicViewing: options.publicViewing ?? false,
    },
  });
  const request = sessionRequestFor(
    { ...avatar, framePath: avatar.framePath, widthPx: avatar.widthPx, heightPx: avatar.heightPx },
    session,
    options.dataDir,
    speech,
  );
  let render;
  try {
    await createRoom(session.roomName);
    render = await startWorkerSession(request);
  } catch (error) {
    log.warn({ err: error, sessionId: session.id }, 'session start failed');
    await prisma.session.update({
      where: { id: session.id },
      data: { status: 'failed', error: 'Could not start', endedAt: new Date() },
    });
    await deleteRoom(session.roomName).catch(() => undefined);
    if (error instanceof ApiError) throw error;
    if (error instanceof AvatarStoreInvalidError) {
      // The worker verified the frames in full and found them damaged.
      throw await rebuildStore(prisma, avatar.id, options.dataDir);
    }
    throw new ApiError(
      'unavailable',
      'The live video server (LiveKit) is not reachable, so the session could not start. Try again shortly.',
      { 'retry-after': '30' },
    );
  }
  return prisma.session.update({
    where: { id: session.id },
    data: { status: 'live', renderer: render?.renderer ?? null, notice: render?.notice ?? null },
  });
}

/** Queues a rebuild of the avatar's frame store; returns the error that tells the user. */
async function rebuildStore(
  prisma: PrismaClient,
  avatarId: string,
  dataDir: string,
): Promise<ApiError> {
  await rebuildAvatarStore(prisma, avatarId, dataDir);
  return new ApiError(
    'conflict',
    "This avatar's prepared frames were damaged, so they are being rebuilt from the original upload. Start the session again once the avatar is ready (usually within a minute).",
  );
}
