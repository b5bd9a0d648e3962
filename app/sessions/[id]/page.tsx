import { notFound } from 'next/navigation';
import { db } from '@/lib/db/db';
import { viewerUrl } from '@/lib/sessions/session-view';
import { LiveViewer } from '../../_components/live-viewer';
import { requireUser } from '../../_components/require-user';
import { SessionControls } from './session-controls';

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/sessions/${id}`);
  const prisma = await db();
  const session = await prisma.session.findFirst({
    where: { id, userId: user.id },
    include: { avatar: { select: { name: true } } },
  });
  if (!session) notFound();
  const running = session.status === 'live' || session.status === 'starting';
  return (
    <>
      <div className="row">
        <h1 className="grow">{session.avatar.name}</h1>
        <span className={`badge ${session.status}`} data-testid="session-status">
          {session.status}
        </span>
      </div>
      {running ? (
        <>
          <LiveViewer tokenUrl={`/api/v1/sessions/${session.id}/tokens`} />
          <SessionControls
            sessionId={session.id}
            viewerUrl={viewerUrl(session.viewerKey)}
            publicViewing={session.publicViewing}
          />
        </>
      ) : (
        <div className="empty">
          This session has {session.status === 'failed' ? 'failed' : 'ended'}.{' '}
          <a href="/avatars">Start a new one</a> from your avatars.
        </div>
      )}
    </>
  );
}
