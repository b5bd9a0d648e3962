import { ApiError } from '@/lib/api/errors';
import { currentUser } from '@/lib/auth/current-user';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { issueViewerGrant } from '@/lib/livekit/livekit';

/**
 * POST /api/watch/:key/token → {livekitUrl, token, identity, avatarName}
 * For the shareable viewer URL: open to anyone when the owner enabled public viewing,
 * otherwise only to the owner. Unknown and private keys look the same (404).
 */
export const POST = withErrors<{ key: string }>(async ({ params }) => {
  const prisma = await db();
  const session = await prisma.session.findUnique({
    where: { viewerKey: params.key },
    include: { avatar: { select: { name: true } } },
  });
  const user = await currentUser();
  if (!session || (!session.publicViewing && session.userId !== user?.id)) {
    throw new ApiError(
      'not_found',
      'This viewer link is not valid, or its owner has not made the session public.',
    );
  }
  if (session.status !== 'live' && session.status !== 'starting') {
    throw new ApiError('conflict', 'This session has ended.');
  }
  const grant = await issueViewerGrant({
    roomName: session.roomName,
    identityPrefix: 'guest',
    name: 'Guest',
  });
  return Response.json({ ...grant, avatarName: session.avatar.name });
});
