/**
 * How a session of an avatar hears its speakers (transcriptionFor): the server's default from
 * FACECAST_TRANSCRIBER* (offline recogniser, an OpenAI-compatible service, or off), the
 * avatar's own OpenAI-compatible transcriber with its key unsealed, or off; and that
 * conversationFor carries it to the worker.
 */
import type { Avatar } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarSettingsSchema, updateAvatarSettings } from '@/lib/avatars/avatar-settings';
import { parseEnv } from '@/lib/config/env';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { createUser } from '@/lib/users/create-user';
import { END_OF_TURN_SILENCE_MS } from '@/protocol/conversation';
import { conversationFor } from './conversation-settings';
import { serverTranscriberLabel, transcriptionFor } from './transcription-settings';

const AUTH_SECRET = 'transcription-for-secret-transcription-for';
const STT_KEY = 'sk-stt-0123456789abcdef';
const SERVER_KEY = 'sk-server-stt-fedcba98';

/** The environment as the app parses it at start-up, with these variables set. */
const envWith = (vars: Record<string, string>) =>
  parseEnv({ AUTH_SECRET, WORKER_SECRET: 'transcription-for-worker', ...vars });

let db: TestDatabase;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  userId = (await createUser(db.prisma, { email: 'stt@example.com', password: 'password-1' })).id;
});
afterAll(() => db.destroy());

async function avatarWith(transcription?: Record<string, unknown>): Promise<Avatar> {
  const { id } = await db.prisma.avatar.create({
    data: { userId, name: 'Guide', sourceType: 'image/png', status: 'ready' },
  });
  if (!transcription) return db.prisma.avatar.findUniqueOrThrow({ where: { id } });
  return updateAvatarSettings(db.prisma, {
    userId,
    avatarId: id,
    changes: avatarSettingsSchema.parse({ transcription }),
    appSecret: AUTH_SECRET,
    plugins: [],
  });
}

describe('transcriptionFor', () => {
  it("uses the server's offline recogniser by default, with the avatar's end-of-turn silence", async () => {
    const env = envWith({});
    expect(transcriptionFor(await avatarWith(), env)).toEqual({
      provider: 'offline',
      endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default,
    });
    const patient = await avatarWith({ provider: 'server', endOfTurnSilenceMs: 1500 });
    expect(transcriptionFor(patient, env)).toEqual({
      provider: 'offline',
      endOfTurnSilenceMs: 1500,
    });
    // And conversationFor carries it to the session request.
    expect(conversationFor(patient, env).transcription).toEqual({
      provider: 'offline',
      endOfTurnSilenceMs: 1500,
    });
    expect(serverTranscriberLabel(env)).toBe('Server default (offline recogniser)');
  });

  it("uses the server's OpenAI-compatible transcriber from the environment, the avatar's language first", async () => {
    const env = envWith({
      FACECAST_TRANSCRIBER: 'openai',
      FACECAST_TRANSCRIBER_URL: 'http://whisper.internal:8000/v1',
      FACECAST_TRANSCRIBER_API_KEY: SERVER_KEY,
      FACECAST_TRANSCRIBER_LANGUAGE: 'en',
    });
    expect(transcriptionFor(await avatarWith(), env)).toEqual({
      provider: 'openai',
      baseUrl: 'http://whisper.internal:8000/v1',
      model: 'whisper-1',
      apiKey: SERVER_KEY,
      language: 'en',
      endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default,
    });
    const german = await avatarWith({ provider: 'server', language: 'de' });
    expect(transcriptionFor(german, env)).toMatchObject({ provider: 'openai', language: 'de' });
    expect(serverTranscriberLabel(env)).toBe('Server default (whisper-1 at whisper.internal:8000)');
    // The server's key is the server's: it is stored in no avatar.
    expect(JSON.stringify(german)).not.toContain(SERVER_KEY);
  });

  it("uses the avatar's own OpenAI-compatible transcriber with its key unsealed, whatever the server's default", async () => {
    const own = await avatarWith({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-transcribe',
      apiKey: STT_KEY,
      language: 'fr',
      endOfTurnSilenceMs: 600,
    });
    expect(own.transcriptionApiKeySealed).toMatch(/^v1\./);
    expect(JSON.stringify(own)).not.toContain(STT_KEY);
    const expected = {
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-transcribe',
      apiKey: STT_KEY,
      language: 'fr',
      endOfTurnSilenceMs: 600,
    };
    expect(transcriptionFor(own, envWith({}))).toEqual(expected);
    expect(transcriptionFor(own, envWith({ FACECAST_TRANSCRIBER: 'off' }))).toEqual(expected);
    // A key sealed for another avatar does not open for this one.
    const other = await avatarWith();
    expect(() =>
      transcriptionFor(
        {
          ...other,
          transcriptionConfig: own.transcriptionConfig,
          transcriptionApiKeySealed: own.transcriptionApiKeySealed,
        },
        envWith({}),
      ),
    ).toThrow(/transcription API key can no longer be read.*Enter the key again/);
    // Lost its model outside the API: the server's default, not a broken request.
    const damaged: Avatar = {
      ...own,
      transcriptionConfig: { provider: 'openai', baseUrl: 'https://api.openai.com/v1' },
    };
    expect(transcriptionFor(damaged, envWith({}))).toEqual({
      provider: 'offline',
      endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default,
    });
  });

  it('is off when the avatar turns it off, or when the server default is off', async () => {
    const env = envWith({});
    expect(transcriptionFor(await avatarWith({ provider: 'off' }), env)).toEqual({
      provider: 'off',
    });
    const serverOff = envWith({ FACECAST_TRANSCRIBER: 'off' });
    expect(transcriptionFor(await avatarWith(), serverOff)).toEqual({ provider: 'off' });
    expect(serverTranscriberLabel(serverOff)).toBe('Server default (off: no voice input)');
  });
});
