import { notFound } from 'next/navigation';
import { db } from '@/lib/db/db';
import { viewerUrl } from '@/lib/sessions/session-view';
import { requireUser } from '../../_components/require-user';
import { SESSION_STATES, type SessionState } from '@/protocol/session-events';
import { SessionControls } from './session-controls';
import { EndedSessionTranscript, SessionConversation } from './session-conversation';

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/sessions/${id}`);
  const prisma = await db();
  const found = await prisma.session.findFirst({
    where: { id, userId: user.id },
    include: { avatar: { select: { name: true, conversationMode: true } } },
  });
  if (!found) notFound();
  const session = found;
  const running = session.status === 'live' || session.status === 'starting';
  const state = SESSION_STATES.find((s) => s === session.state) ?? ('idle' satisfies SessionState);
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
          {session.notice ? (
            <p className="notice" role="status" data-testid="session-notice">
              {session.notice}
            </p>
          ) : null}
          <SessionConversation
            sessionId={session.id}
            avatarName={session.avatar.name}
            mode={session.avatar.conversationMode === 'chat' ? 'chat' : 'echo'}
            initialState={state}
          />
          {session.renderer ? (
            <p className="muted" data-testid="session-renderer">
              Rendered by{' '}
              {session.renderer === 'onnx'
                ? "the avatar's lip-sync model"
                : 'the built-in CPU renderer'}
              .
            </p>
          ) : null}
          <SessionControls
            sessionId={session.id}
            viewerUrl={viewerUrl(session.viewerKey)}
            publicViewing={session.publicViewing}
            guestsMayTalk={session.guestsMayTalk}
          />
        </>
      ) : (
        <>
          <div className="empty">
            This session has {session.status === 'failed' ? 'failed' : 'ended'}.{' '}
            <a href="/avatars">Start a new one</a> from your avatars.
          </div>
          <EndedSessionTranscript sessionId={session.id} avatarName={session.avatar.name} />
        </>
      )}
    </>
  );
}
