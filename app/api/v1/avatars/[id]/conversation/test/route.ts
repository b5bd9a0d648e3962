import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { env } from '@/lib/config/env';
import { testAvatarChatModel } from '@/lib/conversation/test-chat-model';
import { db } from '@/lib/db/db';
import { outboundPolicyFor } from '@/lib/providers/outbound-policy';
import { json } from '@/lib/api/respond';
import { chatModelTestBodySchema, chatModelTestResultSchema } from './test.types';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/avatars/:id/conversation/test {llm?: {baseUrl, model, apiKey?, temperature?,
 * maxTokens?}, prompt?} → 200 {ok: true, text, latencyMs} or 200 {ok: false, error: {code,
 * message}} when the model server fails; one real request, unsaved values over stored ones.
 */
export const POST = withAuth<{ id: string }>(
  { scope: 'avatars' },
  async ({ request, user, params }) => {
    const body = chatModelTestBodySchema.parse(await readJson(request));
    const result = await testAvatarChatModel(await db(), {
      userId: user.id,
      avatarId: params.id,
      body,
      appSecret: env().AUTH_SECRET,
      signal: request.signal,
      outbound: outboundPolicyFor(user.isAdmin),
    });
    return json(chatModelTestResultSchema, result);
  },
);
