import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The route handlers use the app's own database handle and environment (as withAuth does),
// so this test configures the app environment and drives PATCH/GET like a client would.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-speech-settings-'));
const AUTH_SECRET = 'test-auth-secret-test-auth-secret-456';
let prisma: PrismaClient;
let ownerKey: string;
let otherKey: string;
let ownerId: string;

beforeAll(async () => {
  Object.assign(process.env, {
    FACECAST_DATA_DIR: dataDir,
    AUTH_SECRET,
    WORKER_SECRET: 'test-worker-secret-1',
    FACECAST_PLUGINS: '',
  });
  const { db } = await import('@/lib/db/db');
  const { createUser } = await import('@/lib/users/create-user');
  const { createApiKey } = await import('@/lib/auth/api-keys');
  prisma = await db();
  const suffix = Math.random().toString(36).slice(2);
  ownerId = (
    await createUser(prisma, { email: `own-${suffix}@example.com`, password: 'pw-1234567' })
  ).id;
  const otherId = (
    await createUser(prisma, { email: `oth-${suffix}@example.com`, password: 'pw-1234567' })
  ).id;
  ownerKey = (await createApiKey(prisma, { userId: ownerId, name: 't' })).key;
  otherKey = (await createApiKey(prisma, { userId: otherId, name: 't' })).key;
});

afterAll(async () => {
  const { database } = await import('@/lib/db/db');
  await (await database()).close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function newAvatar(): Promise<string> {
  const avatar = await prisma.avatar.create({
    data: { userId: ownerId, name: 'Speaker', sourceType: 'image/png', status: 'ready' },
  });
  return avatar.id;
}

async function patch(id: string, body: unknown, key = ownerKey) {
  const { PATCH } = await import('@/app/api/v1/avatars/[id]/route');
  const response = await PATCH(
    new Request(`http://localhost/api/v1/avatars/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: response.status, text: await response.text() };
}

async function get(id: string) {
  const { GET } = await import('@/app/api/v1/avatars/[id]/route');
  const response = await GET(
    new Request(`http://localhost/api/v1/avatars/${id}`, {
      headers: { authorization: `Bearer ${ownerKey}` },
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: response.status, text: await response.text() };
}

const OPENAI = {
  ttsProvider: 'openai',
  tts: {
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini-tts',
    voice: 'alloy',
    apiKey: 'sk-test-0123456789abcdef',
  },
};

describe('PATCH /api/v1/avatars/:id speech settings', () => {
  it('stores an OpenAI-compatible setup with the key sealed, shown only as hasApiKey', async () => {
    const id = await newAvatar();
    const response = await patch(id, OPENAI);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain('sk-test');
    expect(JSON.parse(response.text)).toMatchObject({
      id,
      speech: {
        provider: 'openai',
        openai: {
          baseUrl: 'https://api.openai.com/v1',
          model: 'gpt-4o-mini-tts',
          voice: 'alloy',
          hasApiKey: true,
        },
      },
    });
    const row = await prisma.avatar.findUniqueOrThrow({ where: { id } });
    expect(row.ttsApiKeySealed).toMatch(/^v1\./);
    expect(row.ttsApiKeySealed).not.toContain('sk-test');
    expect(JSON.stringify(row.ttsConfig)).not.toContain('sk-test');
    const shown = await get(id);
    expect(shown.text).not.toContain('sk-test');
    expect(JSON.parse(shown.text)).toMatchObject({ speech: { openai: { hasApiKey: true } } });

    // Round trip: the session request gets the key back.
    const { speechProviderFor } = await import('@/lib/sessions/speech-config');
    expect(speechProviderFor(row, { AUTH_SECRET })).toEqual({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      apiKey: 'sk-test-0123456789abcdef',
    });
  });

  it('keeps the key when it is left out, replaces it when given and removes it with null', async () => {
    const id = await newAvatar();
    await patch(id, OPENAI);
    const { speechProviderFor } = await import('@/lib/sessions/speech-config');
    const key = async () =>
      speechProviderFor(await prisma.avatar.findUniqueOrThrow({ where: { id } }), { AUTH_SECRET });

    expect((await patch(id, { tts: { voice: 'nova', apiKey: '' } })).status).toBe(200);
    expect(await key()).toMatchObject({ voice: 'nova', apiKey: 'sk-test-0123456789abcdef' });
    expect((await patch(id, { tts: { apiKey: 'sk-other-key' } })).status).toBe(200);
    expect(await key()).toMatchObject({ apiKey: 'sk-other-key' });
    const cleared = await patch(id, { tts: { apiKey: null } });
    expect(JSON.parse(cleared.text)).toMatchObject({ speech: { openai: { hasApiKey: false } } });
    expect(await key()).not.toHaveProperty('apiKey');
    // Switching to the built-in voices keeps the OpenAI settings for later.
    expect((await patch(id, { ttsProvider: 'flite' })).status).toBe(200);
    expect(await key()).toEqual({ provider: 'flite' });
    expect(JSON.parse((await patch(id, { ttsProvider: 'openai' })).text)).toMatchObject({
      speech: { provider: 'openai', openai: { voice: 'nova' } },
    });
  });

  it('refuses to unseal with another app secret, with what to do', async () => {
    const id = await newAvatar();
    await patch(id, OPENAI);
    const row = await prisma.avatar.findUniqueOrThrow({ where: { id } });
    const { speechProviderFor } = await import('@/lib/sessions/speech-config');
    expect(() => speechProviderFor(row, { AUTH_SECRET: `${AUTH_SECRET}-rotated` })).toThrow(
      /Enter the key again/,
    );
    // Nor can the sealed key be moved to another avatar.
    const other = await prisma.avatar.findUniqueOrThrow({ where: { id: await newAvatar() } });
    expect(() =>
      speechProviderFor(
        {
          ...other,
          ttsProvider: 'openai',
          ttsConfig: row.ttsConfig,
          ttsApiKeySealed: row.ttsApiKeySealed,
        },
        { AUTH_SECRET },
      ),
    ).toThrow(/Enter the key again/);
  });

  it('validates the setup with messages that say what to fix', async () => {
    const id = await newAvatar();
    const cases: [unknown, RegExp][] = [
      [
        { ...OPENAI, tts: { ...OPENAI.tts, baseUrl: 'http://api.example.com/v1' } },
        /must use https/,
      ],
      [{ ...OPENAI, tts: { ...OPENAI.tts, baseUrl: 'ftp://x' } }, /must start with https/],
      [{ ...OPENAI, tts: { ...OPENAI.tts, baseUrl: 'not a url' } }, /full URL/],
      [{ ...OPENAI, tts: { ...OPENAI.tts, baseUrl: 'https://u:p@api.example.com' } }, /password/],
      [{ ...OPENAI, tts: { ...OPENAI.tts, model: '  ' } }, /model must not be empty/],
      [{ ...OPENAI, tts: { ...OPENAI.tts, voice: '' } }, /voice must not be empty/],
      [{ ttsProvider: 'openai', tts: { model: 'tts-1' } }, /give tts\.baseUrl, tts\.voice/],
      [{ ttsProvider: 'openai' }, /give tts\.baseUrl, tts\.model, tts\.voice/],
      [{ ttsProvider: 'polly' }, /ttsProvider must be one of: flite, openai, espeak/],
      [{ tts: { voice: 'alloy' } }, /built-in voices take no "tts" settings/],
      [{ ...OPENAI, tts: { ...OPENAI.tts, secret: 'x' } }, /Unrecognized key/],
      [{ ttsProvider: 'espeak' }, /npm run plugin:espeak-ng.*FACECAST_PLUGINS=espeak-ng/],
    ];
    for (const [body, message] of cases) {
      const response = await patch(id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const error = (JSON.parse(response.text) as { error: { message: string } }).error;
      expect(error.message, JSON.stringify(body)).toMatch(message);
    }
    // Nothing was stored by the refused requests.
    const row = await prisma.avatar.findUniqueOrThrow({ where: { id } });
    expect([row.ttsProvider, row.ttsApiKeySealed]).toEqual(['flite', null]);
    // Reaching this machine is for admins (or FACECAST_OUTBOUND_ALLOWLIST, docs/security.md).
    await prisma.user.update({ where: { id: ownerId }, data: { isAdmin: false } });
    const inside = { ...OPENAI, tts: { ...OPENAI.tts, baseUrl: 'http://127.0.0.1:5000' } };
    expect((await patch(id, inside)).status).toBe(422);
    await prisma.user.update({ where: { id: ownerId }, data: { isAdmin: true } });
    // Local servers may use plain http.
    for (const baseUrl of [
      'http://localhost:8880/v1',
      'http://127.0.0.1:5000',
      'http://kokoro:8880',
    ])
      expect((await patch(id, { ...OPENAI, tts: { ...OPENAI.tts, baseUrl } })).status).toBe(200);
    await prisma.user.update({ where: { id: ownerId }, data: { isAdmin: false } });
  });

  it('answers 404 for another user’s avatar and changes nothing', async () => {
    const id = await newAvatar();
    const response = await patch(id, OPENAI, otherKey);
    expect(response.status).toBe(404);
    const row = await prisma.avatar.findUniqueOrThrow({ where: { id } });
    expect([row.ttsProvider, row.ttsApiKeySealed]).toEqual(['flite', null]);
  });

  it('refuses eSpeak when the plugin is enabled but not installed', async () => {
    const { updateAvatarSettings } = await import('./avatar-settings');
    const id = await newAvatar();
    const emptyPlugins = mkdtempSync(path.join(os.tmpdir(), 'facecast-no-plugins-'));
    await expect(
      updateAvatarSettings(prisma, {
        userId: ownerId,
        avatarId: id,
        changes: { ttsProvider: 'espeak' },
        appSecret: AUTH_SECRET,
        plugins: ['espeak-ng'],
        pluginLocation: { pluginsDir: emptyPlugins },
      }),
    ).rejects.toThrow(/enabled but not installed.*npm run plugin:espeak-ng/);
    rmSync(emptyPlugins, { recursive: true, force: true });
  });
});
