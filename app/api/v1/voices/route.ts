import { withAuth } from '@/lib/auth/with-auth';
import {
  DEFAULT_VOICE_ID,
  SPEECH_RATE_MAX,
  SPEECH_RATE_MIN,
  VOICES,
} from '@/worker/protocol/session-request';

/** GET /api/v1/voices → {voices: [{id, label}], default, speechRate: {min, max}} */
export const GET = withAuth(() =>
  Promise.resolve(
    Response.json({
      voices: VOICES,
      default: DEFAULT_VOICE_ID,
      speechRate: { min: SPEECH_RATE_MIN, max: SPEECH_RATE_MAX, default: 1 },
    }),
  ),
);
