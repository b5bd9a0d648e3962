import { ApiError } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { issueViewerGrant } from '@/lib/livekit/livekit';

/**
 * POST /api/watch/:key/token → {livekitUrl, token, identity, mayTalk, avatarName}
 * For the shareable viewer URL: open to anyone when the owner enabled public viewing,
 * otherwise only to the owner. Unknown and private keys look the same (404). The owner may
 * always talk (publish a microphone); guests when the owner let them (guestsMayTalk).
 */
export const POST = withErrors<{ key: string }>(async ({ params }) => {
  const prisma = await db();
  const session = await prisma.session.findUnique({
    where: { viewerKey: params.key },
    include: { avatar: { select: { name: true } } },
  });
  const user = await currentUser();
  const isOwner = session !== null && session.userId === user?.id;
  if (!session || (!session.publicViewing && !isOwner)) {
    throw new ApiError(
      'not_found',
      'This viewer link is not valid, or its owner has not made the session public.',
    );
  }
  if (session.status !== 'live' && session.status !== 'starting') {
    throw new ApiError('conflict', 'This session has ended.');
  }
  const grant = await issueViewerGrant(
    isOwner
      ? { roomName: session.roomName, identityPrefix: 'viewer', mayTalk: true }
      : {
          roomName: session.roomName,
          identityPrefix: 'guest',
          name: 'Guest',
          mayTalk: session.guestsMayTalk,
        },
  );
  return Response.json({ ...grant, avatarName: session.avatar.name });
});
