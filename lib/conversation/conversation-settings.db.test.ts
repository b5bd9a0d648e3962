/**
 * Conversation and transcription settings through PATCH /api/v1/avatars/:id as a client
 * sends them (real handler, real API-key auth, real database) and through
 * updateAvatarSettings. What a session gets from them: conversation-for.db.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type * as AvatarRoute from '@/app/api/v1/avatars/[id]/route';
import { ApiError } from '@/lib/api/errors';
import { createApiKey } from '@/lib/auth/api-keys';
import { avatarSettingsSchema, updateAvatarSettings } from '@/lib/avatars/avatar-settings';
import { avatarView } from '@/lib/avatars/avatar-view';
import type { Database } from '@/lib/db/open-database';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { DEFAULT_FALLBACK_LINE, END_OF_TURN_SILENCE_MS } from '@/protocol/conversation';
import { conversationFor } from './conversation-settings';

const AUTH_SECRET = 'conversation-settings-secret-conversation';
/** The server's default transcriber as parseEnv gives it when nothing is set. */
const ENV = {
  AUTH_SECRET,
  FACECAST_TRANSCRIBER: 'offline',
  FACECAST_TRANSCRIBER_MODEL: 'whisper-1',
} as const;
const LLM_KEY = 'sk-llm-0123456789abcdef';
const STT_KEY = 'sk-stt-fedcba9876543210';
const CHAT = {
  mode: 'chat',
  llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: LLM_KEY },
  persona: 'You are the museum guide. Answer in two sentences.',
  greeting: 'Welcome to the museum!',
  memoryTurns: 6,
};

let db: TestDatabase;
let ownerId: string;
let ownerKey: string;
let otherId: string;
let route: typeof AvatarRoute;

beforeAll(async () => {
  db = await createTestDatabase();
  Object.assign(process.env, {
    AUTH_SECRET,
    WORKER_SECRET: 'conversation-settings-worker',
    FACECAST_DATA_DIR: db.dataDir,
    FACECAST_PLUGINS: '',
  });
  (globalThis as { facecastDb?: Promise<Database> }).facecastDb = Promise.resolve(db);
  ownerId = (await createUser(db.prisma, { email: 'owner@example.com', password: 'password-1' }))
    .id;
  otherId = (await createUser(db.prisma, { email: 'other@example.com', password: 'password-2' }))
    .id;
  ownerKey = (await createApiKey(db.prisma, { userId: ownerId, name: 't' })).key;
  route = await import('@/app/api/v1/avatars/[id]/route');
});
afterAll(async () => {
  delete (globalThis as { facecastDb?: unknown }).facecastDb;
  await db.destroy();
});

async function newAvatar(): Promise<string> {
  const avatar = await db.prisma.avatar.create({
    data: { userId: ownerId, name: 'Guide', sourceType: 'image/png', status: 'ready' },
  });
  return avatar.id;
}

const row = (id: string) => db.prisma.avatar.findUniqueOrThrow({ where: { id } });

async function patch(id: string, body: unknown) {
  const response = await route.PATCH(
    new Request(`http://localhost/api/v1/avatars/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: response.status, text: await response.text() };
}

const errorMessage = (text: string) =>
  (JSON.parse(text) as { error: { message: string } }).error.message;

/** updateAvatarSettings as the route calls it, with the body parsed by the route's schema. */
const update = (avatarId: string, body: unknown, userId = ownerId) =>
  updateAvatarSettings(db.prisma, {
    userId,
    avatarId,
    changes: avatarSettingsSchema.parse(body),
    appSecret: AUTH_SECRET,
    plugins: [],
  });

describe('PATCH /api/v1/avatars/:id conversation settings', () => {
  it('refuses chat mode without a language model, naming baseUrl and model, and stores nothing', async () => {
    const id = await newAvatar();
    for (const body of [
      { conversation: { mode: 'chat' } },
      { conversation: { mode: 'chat', llm: { baseUrl: 'https://api.openai.com/v1' } } },
      { conversation: { mode: 'chat', llm: { model: 'gpt-4o-mini' } } },
    ]) {
      const response = await patch(id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(errorMessage(response.text)).toMatch(
        /Chat mode needs a language model: give conversation\.llm\.baseUrl and conversation\.llm\.model/,
      );
    }
    const stored = await row(id);
    expect([stored.conversationMode, stored.conversationConfig]).toEqual(['echo', null]);
  });

  it('stores chat settings and seals the key: shown only as hasApiKey, nowhere in clear', async () => {
    const id = await newAvatar();
    const response = await patch(id, { conversation: CHAT });
    expect(response.status, response.text).toBe(200);
    expect(response.text).not.toContain(LLM_KEY);
    expect(JSON.parse(response.text)).toMatchObject({
      id,
      conversation: {
        mode: 'chat',
        llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', hasApiKey: true },
        persona: CHAT.persona,
        greeting: CHAT.greeting,
        memoryTurns: 6,
        fallback: DEFAULT_FALLBACK_LINE,
      },
    });

    const stored = await row(id);
    expect(stored.conversationMode).toBe('chat');
    expect(stored.conversationConfig).toMatchObject({
      llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
      persona: CHAT.persona,
      memoryTurns: 6,
    });
    expect(stored.llmApiKeySealed).toMatch(/^v1\./);
    // The raw key is in no column of the row, and not in what responses show.
    expect(JSON.stringify(stored)).not.toContain(LLM_KEY);
    expect(JSON.stringify(stored)).not.toContain('0123456789abcdef');
    expect(JSON.stringify(avatarView(stored))).not.toContain(LLM_KEY);
    expect(avatarView(stored).conversation.llm).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      hasApiKey: true,
    });

    // A session gets the key back, unsealed, with the rest of the settings.
    expect(conversationFor(stored, ENV)).toEqual({
      mode: 'chat',
      llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: LLM_KEY },
      persona: CHAT.persona,
      greeting: CHAT.greeting,
      memoryTurns: 6,
      fallback: DEFAULT_FALLBACK_LINE,
      transcription: { provider: 'offline', endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default },
    });
  });

  it('removes the key with apiKey null, keeps it when left out', async () => {
    const id = await newAvatar();
    await update(id, { conversation: CHAT });
    // Left out (and ""): kept.
    await update(id, { conversation: { llm: { temperature: 0.3 } } });
    await update(id, { conversation: { llm: { apiKey: '' } } });
    expect(conversationFor(await row(id), ENV).llm).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: LLM_KEY,
      temperature: 0.3,
    });
    const response = await patch(id, { conversation: { llm: { apiKey: null } } });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      conversation: { mode: 'chat', llm: { model: 'gpt-4o-mini', hasApiKey: false } },
    });
    const stored = await row(id);
    expect(stored.llmApiKeySealed).toBeNull();
    expect(conversationFor(stored, ENV).llm).not.toHaveProperty('apiKey');
  });

  it('drops the stored key when llm.baseUrl changes without a new key; the same baseUrl keeps it', async () => {
    const id = await newAvatar();
    await update(id, { conversation: CHAT });
    const sealed = (await row(id)).llmApiKeySealed;
    expect(sealed).not.toBeNull();

    // The same baseUrl again, with another model: the key stays.
    await update(id, {
      conversation: { llm: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o' } },
    });
    expect((await row(id)).llmApiKeySealed).toBe(sealed);
    expect(conversationFor(await row(id), ENV).llm).toMatchObject({
      model: 'gpt-4o',
      apiKey: LLM_KEY,
    });

    // Another server: the key was not given for it, so it is not sent there.
    const response = await patch(id, {
      conversation: { llm: { baseUrl: 'http://localhost:11434/v1' } },
    });
    expect(response.status, response.text).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      conversation: { llm: { baseUrl: 'http://localhost:11434/v1', hasApiKey: false } },
    });
    expect((await row(id)).llmApiKeySealed).toBeNull();
    expect(conversationFor(await row(id), ENV).llm).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      model: 'gpt-4o',
    });

    // A new server with its own key: that key is stored.
    await update(id, {
      conversation: { llm: { baseUrl: 'https://llm.example.com/v1', apiKey: 'sk-new-server' } },
    });
    expect(conversationFor(await row(id), ENV).llm).toMatchObject({
      baseUrl: 'https://llm.example.com/v1',
      apiKey: 'sk-new-server',
    });
  });

  it('refuses out-of-range persona and memoryTurns through the schema, with 422', async () => {
    const id = await newAvatar();
    const persona = 'x'.repeat(4001);
    expect(() => avatarSettingsSchema.parse({ conversation: { persona } })).toThrow(ZodError);
    expect(() =>
      avatarSettingsSchema.parse({ conversation: { persona: 'x'.repeat(4000) } }),
    ).not.toThrow();
    expect(() => avatarSettingsSchema.parse({ conversation: { memoryTurns: 51 } })).toThrow(
      ZodError,
    );
    expect(() => avatarSettingsSchema.parse({ conversation: { memoryTurns: 50 } })).not.toThrow();

    const cases: [unknown, RegExp][] = [
      [{ conversation: { persona } }, /persona must be at most 4000 characters/],
      [{ conversation: { memoryTurns: 51 } }, /memoryTurns must be at most 50/],
      [{ conversation: { memoryTurns: -1 } }, /memoryTurns must be at least 0/],
      [{ conversation: { mode: 'agent' } }, /mode must be one of: echo, chat/],
      [
        { conversation: { llm: { baseUrl: 'http://llm.example.com/v1', model: 'm' } } },
        /must use https/,
      ],
      [{ conversation: { llm: { temperature: 3 } } }, /llm\.temperature must be at most 2/],
    ];
    for (const [body, message] of cases) {
      const response = await patch(id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(errorMessage(response.text), JSON.stringify(body)).toMatch(message);
    }
    const stored = await row(id);
    expect([stored.conversationMode, stored.conversationConfig]).toEqual(['echo', null]);
  });
});

describe('PATCH /api/v1/avatars/:id transcription settings', () => {
  it('refuses an OpenAI-compatible transcriber without baseUrl and model', async () => {
    const id = await newAvatar();
    for (const body of [
      { transcription: { provider: 'openai' } },
      { transcription: { provider: 'openai', model: 'whisper-1' } },
      { transcription: { provider: 'openai', baseUrl: 'https://api.openai.com/v1' } },
    ]) {
      const response = await patch(id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(errorMessage(response.text)).toMatch(
        /give transcription\.baseUrl and transcription\.model/,
      );
    }
    expect((await row(id)).transcriptionConfig).toBeNull();
  });

  it('stores a transcriber with its key sealed apart from the model’s', async () => {
    const id = await newAvatar();
    const response = await patch(id, {
      transcription: {
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        model: 'whisper-1',
        apiKey: STT_KEY,
        language: 'pt-BR',
        endOfTurnSilenceMs: 1200,
      },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.text).not.toContain(STT_KEY);
    expect(JSON.parse(response.text)).toMatchObject({
      transcription: {
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        model: 'whisper-1',
        language: 'pt-BR',
        endOfTurnSilenceMs: 1200,
        hasApiKey: true,
      },
      conversation: { mode: 'echo', llm: { hasApiKey: false } },
    });
    const stored = await row(id);
    expect(stored.transcriptionApiKeySealed).toMatch(/^v1\./);
    expect(stored.llmApiKeySealed).toBeNull();
    expect(JSON.stringify(stored)).not.toContain(STT_KEY);
    // language null removes it; back to the server's transcriber keeps the OpenAI settings.
    await update(id, { transcription: { language: null, provider: 'server' } });
    expect(avatarView(await row(id)).transcription).toEqual({
      provider: 'server',
      baseUrl: 'https://api.openai.com/v1',
      model: 'whisper-1',
      endOfTurnSilenceMs: 1200,
      hasApiKey: true,
    });
  });
});

describe('another user’s avatar', () => {
  it('is not found and is left unchanged', async () => {
    const id = await newAvatar();
    const refusal: unknown = await update(id, { conversation: CHAT }, otherId).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'not_found' });
    const otherKey = (await createApiKey(db.prisma, { userId: otherId, name: 't' })).key;
    const response = await route.PATCH(
      new Request(`http://localhost/api/v1/avatars/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${otherKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversation: CHAT }),
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(response.status).toBe(404);
    const stored = await row(id);
    expect([stored.conversationMode, stored.conversationConfig, stored.llmApiKeySealed]).toEqual([
      'echo',
      null,
      null,
    ]);
  });
});
