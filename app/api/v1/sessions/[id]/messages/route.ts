import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findLiveSession } from '@/lib/sessions/find-session';
import { meterSpeech } from '@/lib/sessions/meter-speech';
import { sendMessage } from '@/lib/sessions/speak';
import { json } from '@/lib/api/respond';
import { acceptedSchema, messageBodySchema } from './messages.types';

/**
 * POST /api/v1/sessions/:id/messages {text, interrupt? = true} → 202: a user turn, answered
 * by the model in chat mode, said as it is in echo mode.
 */
export const POST = withAuth<{ id: string }>(
  { scope: 'sessions' },
  async ({ request, user, params }) => {
    const body = messageBodySchema.parse(await readJson(request));
    const prisma = await db();
    const session = await findLiveSession(prisma, user.id, params.id);
    await sendMessage(session.roomName, { ...body, speaker: 'api' });
    await meterSpeech({ prisma, sessionId: session.id, chars: body.text });
    return json(acceptedSchema, { accepted: true }, { status: 202 });
  },
);
