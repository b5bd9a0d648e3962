import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { findLiveSession } from '@/lib/sessions/find-session';
import { meterSpeech } from '@/lib/sessions/meter-speech';
import { speak } from '@/lib/sessions/speak';
import { json } from '@/lib/api/respond';
import { acceptedSchema, speakBodySchema } from './speak.types';

/** POST /api/v1/sessions/:id/speak {text, interrupt?} → 202 */
export const POST = withAuth<{ id: string }>(
  { scope: 'sessions' },
  async ({ request, user, params }) => {
    const body = speakBodySchema.parse(await readJson(request));
    const prisma = await db();
    const session = await findLiveSession(prisma, user.id, params.id);
    await speak(session.roomName, body);
    await meterSpeech({ prisma, sessionId: session.id, chars: body.text });
    return json(acceptedSchema, { accepted: true }, { status: 202 });
  },
);
