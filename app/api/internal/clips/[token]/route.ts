import { notFound } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { takeClip } from '@/lib/clips/clip-store';
import { env } from '@/lib/config/env';

/**
 * GET /api/internal/clips/:token → the clip (audio/wav), once. The token is the capability:
 * session processes hold no secret, and the URL reaches only the avatar of the clip's room.
 */
export const GET = withErrors<{ token: string }>(async ({ params }) => {
  const clip = await takeClip({ dataDir: env().FACECAST_DATA_DIR, token: params.token });
  if (!clip) throw notFound('Clip');
  return new Response(new Uint8Array(clip), {
    headers: { 'content-type': 'audio/wav', 'cache-control': 'no-store' },
  });
});
