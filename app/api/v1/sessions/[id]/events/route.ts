import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findOwnSession } from '@/lib/sessions/find-session';
import { sessionEventStream } from '@/lib/sessions/session-event-stream';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/sessions/:id/events → text/event-stream: `state`, `speech.started`,
 * `speech.ended`, `speech.queued`, `speech.dropped`, `user.transcript`, `connection`, `error`;
 * resumes after `Last-Event-ID`.
 */
export const GET = withAuth<{ id: string }>(
  { scope: 'read' },
  async ({ request, user, params }) => {
    const prisma = await db();
    const session = await findOwnSession(prisma, user.id, params.id);
    const lastEventId = Number.parseInt(request.headers.get('last-event-id') ?? '', 10);
    const stream = sessionEventStream({
      prisma,
      sessionId: session.id,
      ...(Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? { afterId: lastEventId } : {}),
      signal: request.signal,
    });
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Tells nginx-style proxies not to buffer the stream.
        'x-accel-buffering': 'no',
      },
    });
  },
);
