import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { findLiveSession } from '@/lib/sessions/find-session';
import { readClipUpload, speakAudio } from '@/lib/sessions/speak-audio';
import { json } from '@/lib/api/respond';
import { speakAudioResultSchema } from './speak-audio.types';

/**
 * POST /api/v1/sessions/:id/speak-audio (multipart: audio = WAV, MP3, OGG or WebM, ≤ 60 s and
 * ≤ 20 MB; interrupt? = "true") → 202 {accepted: true, durationMs}
 */
export const POST = withAuth<{ id: string }>(
  { scope: 'sessions' },
  async ({ request, user, params }) => {
    // The session first: a clip for a session that cannot play it is never read.
    const session = await findLiveSession(await db(), user.id, params.id);
    const upload = await readClipUpload(request);
    const { durationMs } = await speakAudio({
      roomName: session.roomName,
      upload,
      dataDir: env().FACECAST_DATA_DIR,
      appUrl: env().APP_URL,
    });
    return json(speakAudioResultSchema, { accepted: true, durationMs }, { status: 202 });
  },
);
