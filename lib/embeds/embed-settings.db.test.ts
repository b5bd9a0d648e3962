/**
 * Embed settings on the real database: turned on with a snippet and a secret, changed
 * without losing the key, validated (origins, chat needs a model), owned, turned off; and the
 * frame's allowlist as the middleware reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { seedOwnerWithAvatar, setTestEnv } from '@/lib/testing/booking-seed';
import { createTestDatabase, type TestDatabase } from '@/lib/testing/test-database';
import { deleteEmbed, embedInputSchema, getEmbed, putEmbed } from './embed-settings';
import { assertEmbedOrigin, findEmbed } from './widget-session';

let db: TestDatabase;
let owner: { userId: string; avatarId: string };
let other: { userId: string; avatarId: string };

beforeAll(async () => {
  setTestEnv('embeds', { APP_URL: 'https://facecast.example', LOG_LEVEL: 'error' });
  db = await createTestDatabase();
  owner = await seedOwnerWithAvatar(db.prisma, 'embed-owner@example.com');
  other = await seedOwnerWithAvatar(db.prisma, 'embed-other@example.com');
}, 60_000);
afterAll(() => db.destroy());

const input = (value: unknown) => embedInputSchema.parse(value);

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('embed settings', () => {
  it('turns embedding on with a snippet and a secret, and keeps the key when changed', async () => {
    const first = await putEmbed(db.prisma, {
      ...owner,
      input: input({ allowedOrigins: ['HTTPS://Shop.Example/', 'https://*.example.com'] }),
    });
    expect(first.created).toBe(true);
    expect(first.view.allowedOrigins).toEqual(['https://shop.example', 'https://*.example.com']);
    expect(first.view.snippet).toBe(
      `<script src="https://facecast.example/embed.js" data-avatar="${first.view.embedKey}" async></script>`,
    );
    expect(first.view.secret).toMatch(/^fces_/);
    expect(first.view).toMatchObject({ mode: 'echo', maxSessions: 3, maxMinutes: 10 });

    const second = await putEmbed(db.prisma, {
      ...owner,
      input: input({ allowedOrigins: ['https://shop.example'], maxSessions: 5, greeting: 'Hi!' }),
    });
    expect(second.created).toBe(false);
    expect(second.view).toMatchObject({
      embedKey: first.view.embedKey,
      secret: first.view.secret,
      maxSessions: 5,
      greeting: 'Hi!',
    });
    const rotated = await putEmbed(db.prisma, {
      ...owner,
      input: input({ allowedOrigins: ['https://shop.example'], rotateSecret: true }),
    });
    expect(rotated.view.secret).not.toBe(first.view.secret);
    expect((await getEmbed(db.prisma, owner)).maxSessions).toBe(5);
  });

  it('refuses bad origins naming the entry, and chat without a language model', () => {
    const result = embedInputSchema.safeParse({
      allowedOrigins: ['https://ok.example', 'shop.example/path'],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['allowedOrigins', 1]);
    expect(result.error?.issues[0]?.message).toMatch(/shop\.example\/path.*not an origin/);
    expect(embedInputSchema.safeParse({ allowedOrigins: [] }).success).toBe(false);
  });

  it('needs a model for chat mode', async () => {
    const error = await refusal(
      putEmbed(db.prisma, {
        ...owner,
        input: input({ allowedOrigins: ['https://shop.example'], mode: 'chat' }),
      }),
    );
    expect(error.code).toBe('unprocessable');
  });

  it("is the owner's only: another account gets a 404", async () => {
    const error = await refusal(
      getEmbed(db.prisma, { userId: other.userId, avatarId: owner.avatarId }),
    );
    expect(error.code).toBe('not_found');
  });

  it('checks where a start comes from', async () => {
    const { embedKey } = await getEmbed(db.prisma, owner);
    const embed = await findEmbed(db.prisma, embedKey);
    const check = (o: Parameters<typeof assertEmbedOrigin>[1]) => () => assertEmbedOrigin(embed, o);
    expect(check({ origin: 'https://shop.example', fromAppPage: false })).not.toThrow();
    expect(
      check({
        origin: 'https://facecast.example',
        fromAppPage: true,
        hostOrigin: 'https://shop.example',
      }),
    ).not.toThrow();
    expect(check({ origin: 'https://evil.example', fromAppPage: false })).toThrow(ApiError);
    expect(
      check({
        origin: 'https://facecast.example',
        fromAppPage: true,
        hostOrigin: 'https://evil.example',
      }),
    ).toThrow(/not allowed/);
    expect(check({ origin: null, fromAppPage: false })).toThrow(ApiError);
  });

  it('turns off: the key stops working', async () => {
    const { embedKey } = await getEmbed(db.prisma, owner);
    await deleteEmbed(db.prisma, owner);
    expect((await refusal(findEmbed(db.prisma, embedKey))).code).toBe('not_found');
    expect((await refusal(getEmbed(db.prisma, owner))).code).toBe('not_found');
  });
});
