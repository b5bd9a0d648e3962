/**
 * What a session of an avatar converses with (conversationFor): the stored settings with the
 * model's key unsealed, echo when the stored chat settings are unusable, and a clear refusal
 * when the key can no longer be unsealed.
 */
import type { Avatar } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { avatarSettingsSchema, updateAvatarSettings } from '@/lib/avatars/avatar-settings';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { DEFAULT_FALLBACK_LINE, END_OF_TURN_SILENCE_MS } from '@/protocol/conversation';
import { conversationFor } from './conversation-settings';

const AUTH_SECRET = 'conversation-for-secret-conversation-for';
/** The server's default transcriber as parseEnv gives it when nothing is set. */
const ENV = {
  AUTH_SECRET,
  FACECAST_TRANSCRIBER: 'offline',
  FACECAST_TRANSCRIBER_MODEL: 'whisper-1',
} as const;
const CHAT = {
  mode: 'chat',
  llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: 'sk-llm-0123456789' },
  persona: 'You are the museum guide. Answer in two sentences.',
  greeting: 'Welcome to the museum!',
  memoryTurns: 6,
};

let db: TestDatabase;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'for@example.com', password: 'password-1' })).id;
});
afterAll(() => db.destroy());

async function chatAvatar(): Promise<Avatar> {
  const { id } = await db.prisma.avatar.create({
    data: { userId, name: 'Guide', sourceType: 'image/png', status: 'ready' },
  });
  return updateAvatarSettings(db.prisma, {
    userId,
    avatarId: id,
    changes: avatarSettingsSchema.parse({ conversation: CHAT }),
    appSecret: AUTH_SECRET,
    plugins: [],
  });
}

const row = (id: string) => db.prisma.avatar.findUniqueOrThrow({ where: { id } });

describe('conversationFor', () => {
  it('falls back to echo when the stored chat settings lost their model', async () => {
    const stored = await chatAvatar();
    const { id } = stored;
    expect(conversationFor(stored, ENV)).toEqual({
      mode: 'chat',
      llm: {
        baseUrl: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini',
        apiKey: 'sk-llm-0123456789',
      },
      persona: CHAT.persona,
      greeting: CHAT.greeting,
      memoryTurns: 6,
      fallback: DEFAULT_FALLBACK_LINE,
      transcription: { provider: 'offline', endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default },
    });
    const config = stored.conversationConfig as { llm: Record<string, unknown> };
    // Edited outside the API: the model is gone.
    const damaged: Avatar = {
      ...stored,
      conversationConfig: { ...config, llm: { baseUrl: 'https://api.openai.com/v1' } },
    };
    expect(conversationFor(damaged, ENV)).toEqual({
      mode: 'echo',
      persona: CHAT.persona,
      greeting: CHAT.greeting,
      memoryTurns: 6,
      fallback: DEFAULT_FALLBACK_LINE,
      transcription: { provider: 'offline', endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default },
    });
    // And the database row itself, changed the same way.
    await db.prisma.avatar.update({
      where: { id },
      data: { conversationConfig: damaged.conversationConfig ?? {} },
    });
    expect(conversationFor(await row(id), ENV)).toMatchObject({ mode: 'echo' });
    expect(conversationFor(await row(id), ENV)).not.toHaveProperty('llm');
  });

  it('refuses a key sealed under another AUTH_SECRET with a conflict that says to enter it again', async () => {
    const stored = await chatAvatar();
    const refusal: unknown = (() => {
      try {
        return conversationFor(stored, { ...ENV, AUTH_SECRET: `${AUTH_SECRET}-rotated` });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'conflict', status: 409 });
    expect((refusal as Error).message).toMatch(/AUTH_SECRET changed.*Enter the key again/);
    // Nor does a sealed key work for another avatar.
    const otherAvatar = await chatAvatar();
    expect(() =>
      conversationFor(
        {
          ...otherAvatar,
          llmApiKeySealed: stored.llmApiKeySealed,
        },
        ENV,
      ),
    ).toThrow(/Enter the key again/);
  });
});
