import { currentUser } from '@/lib/auth/current-user';
import { db } from '@/lib/db/db';
import { LiveViewer } from '../../_components/live-viewer';

/**
 * The shareable viewer page: guests choose a display name, then join; access is checked when
 * the page asks for a token.
 */
export default async function WatchPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const [user, session] = await Promise.all([
    currentUser(),
    (await db()).session.findUnique({ where: { viewerKey: key }, select: { userId: true } }),
  ]);
  return (
    <>
      <h1>Live avatar</h1>
      <LiveViewer
        tokenUrl={`/api/watch/${encodeURIComponent(key)}/token`}
        askName={!user || user.id !== session?.userId}
      />
    </>
  );
}
