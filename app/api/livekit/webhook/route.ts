import { WebhookReceiver } from 'livekit-server-sdk';
import { ApiError, readText } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { db } from '@/lib/db/db';
import { enforceParticipant } from '@/lib/rooms/enforce-participant';

/** Webhook bodies are small JSON events. */
const WEBHOOK_MAX_BYTES = 64 * 1024;

/**
 * POST /api/livekit/webhook: LiveKit's signed events (the `webhook` section of its config
 * points here; `npm start` and the tests set it). participant_joined → a removed participant
 * or a rotated link's token is taken out again (lib/rooms/enforce-participant.ts).
 */
export const POST = withErrors(async ({ request }) => {
  const body = await readText(request, WEBHOOK_MAX_BYTES);
  const receiver = new WebhookReceiver(env().LIVEKIT_API_KEY, env().LIVEKIT_API_SECRET);
  const event = await receiver
    .receive(body, request.headers.get('authorization') ?? undefined)
    .catch(() => {
      throw new ApiError('unauthorized', 'Webhook signature is not valid.');
    });
  if (event.event === 'participant_joined' && event.room?.name && event.participant?.identity) {
    await enforceParticipant(await db(), event.room.name, event.participant.identity);
  }
  return Response.json({ ok: true });
});
