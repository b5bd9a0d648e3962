/**
 * Quotas and usage through the REST API of the running stack. The stack runs with the
 * default concurrent sessions quota (3) and FACECAST_IDLE_MINUTES=1 (e2e/global-setup.ts).
 * The monthly minutes refusal needs a month's use or an admin's override, so it is covered by
 * the data-layer tests (lib/quotas/quotas.db.test.ts).
 */
import { listenToAvatar } from '../support/audio-listener';
import { createReadyAvatar, expect, expectApiError, startSession, test } from '../fixtures';

interface Usage {
  limits: { concurrentSessions: number; monthlyMinutes: number };
  used: { concurrentSessions: number; minutes: number; bookedMinutes: number };
  remainingMinutes: number;
  resetsAt: string;
}

interface SessionWithUsage {
  status: string;
  liveAt?: string;
  endedAt?: string;
  usage: { minutes: number; speechChars: number; viewersJoined: number; peakViewers: number };
}

/** First instant of the next UTC month. */
function nextMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
}

test('over the concurrent sessions quota: 429 naming the limit; ending one makes room', async ({
  api,
  loggedInPage: page,
  sessionsToStop,
}) => {
  const avatar = await createReadyAvatar(api);
  const fresh = (await (await api.get('/api/v1/usage')).json()) as Usage;
  expect(fresh).toEqual({
    limits: { concurrentSessions: 3, monthlyMinutes: 600 },
    used: { concurrentSessions: 0, minutes: 0, bookedMinutes: 0 },
    remainingMinutes: 600,
    month: expect.any(Object) as unknown,
    resetsAt: nextMonth(),
  });

  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const started = await api.post('/api/v1/sessions', {
      data: { avatarId: avatar.id, wait: false },
    });
    expect(started.status(), await started.text()).toBe(201);
    ids.push(((await started.json()) as { id: string }).id);
    sessionsToStop.push({ api, id: ids[i]! });
  }
  const refused = await api.post('/api/v1/sessions', { data: { avatarId: avatar.id } });
  const error = await expectApiError(refused, 429, 'quota_exceeded', /End one of your sessions/);
  expect(error).toMatchObject({ limit: 'concurrent_sessions', max: 3, used: 3, resetsAt: null });
  expect(refused.headers()['retry-after']).toBeUndefined();
  expect(((await (await api.get('/api/v1/usage')).json()) as Usage).used.concurrentSessions).toBe(
    3,
  );
  // The Sessions page says the same in one line.
  await page.goto('/sessions');
  await expect(page.getByTestId('quota-usage')).toContainText(
    /^[\d.]+ of 600 minutes this month · 3 of 3 sessions at once · resets \d{4}-\d{2}-01$/,
  );

  expect((await api.delete(`/api/v1/sessions/${ids[0]}`)).status()).toBe(204);
  const again = await api.post('/api/v1/sessions', { data: { avatarId: avatar.id, wait: false } });
  expect(again.status(), await again.text()).toBe(201);
  sessionsToStop.push({ api, id: ((await again.json()) as { id: string }).id });
});

test('a session meters what it said, its viewers and its minutes', async ({
  api,
  sessionsToStop,
}) => {
  test.setTimeout(120_000);
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  sessionsToStop.push({ api, id: session.id });
  const said = 'Hello, this is metered.';
  const asked = 'And how many characters is this? ✨';
  expect(
    (await api.post(`/api/v1/sessions/${session.id}/speak`, { data: { text: said } })).status(),
  ).toBe(202);
  expect(
    (await api.post(`/api/v1/sessions/${session.id}/messages`, { data: { text: asked } })).status(),
  ).toBe(202);
  const read = async () =>
    (await (await api.get(`/api/v1/sessions/${session.id}`)).json()) as SessionWithUsage;
  const spoken = await read();
  expect(spoken.liveAt).toEqual(expect.any(String));
  // Characters, not UTF-16 units: the sparkle counts once.
  expect(spoken.usage.speechChars).toBe(said.length + [...asked].length);

  // A viewer in the room is seen by the room sweep (every 15 s) through LiveKit's server API.
  const grant = (await (await api.post(`/api/v1/sessions/${session.id}/tokens`)).json()) as {
    livekitUrl: string;
    token: string;
  };
  const listener = await listenToAvatar({ livekitUrl: grant.livekitUrl, token: grant.token });
  try {
    await expect
      .poll(async () => (await read()).usage.peakViewers, { timeout: 40_000, intervals: [1000] })
      .toBe(1);
  } finally {
    await listener.leave();
  }
  expect((await read()).usage.viewersJoined).toBeGreaterThanOrEqual(1);

  // Live for at least 7 s, so the minutes (to one decimal) are at least 0.1.
  const liveFor = Date.now() - Date.parse(spoken.liveAt!);
  if (liveFor < 7_000) await new Promise((resolve) => setTimeout(resolve, 7_000 - liveFor));
  expect((await api.delete(`/api/v1/sessions/${session.id}`)).status()).toBe(204);
  const ended = await read();
  const liveMinutes = (Date.parse(ended.endedAt!) - Date.parse(ended.liveAt!)) / 60_000;
  expect(ended.usage.minutes).toBe(Math.round(liveMinutes * 10) / 10);
  expect(ended.usage.minutes).toBeGreaterThanOrEqual(0.1);
  const usage = (await (await api.get('/api/v1/usage')).json()) as Usage;
  expect(usage.used).toMatchObject({ concurrentSessions: 0, minutes: ended.usage.minutes });
  expect(usage.remainingMinutes).toBeCloseTo(600 - ended.usage.minutes, 1);
});

test('an instant session nobody joins ends by itself after FACECAST_IDLE_MINUTES', async ({
  api,
  sessionsToStop,
}) => {
  test.setTimeout(180_000);
  const avatar = await createReadyAvatar(api);
  const session = await startSession(api, avatar.id);
  sessionsToStop.push({ api, id: session.id });
  expect(session.status).toBe('live');
  let last: SessionWithUsage | undefined;
  await expect
    .poll(
      async () => {
        last = (await (await api.get(`/api/v1/sessions/${session.id}`)).json()) as SessionWithUsage;
        return last.status;
      },
      { timeout: 120_000, intervals: [2000] },
    )
    .toBe('ended');
  // One idle minute, plus at most one sweep interval (15 s) and a little slack.
  const idleMs = Date.parse(last!.endedAt!) - Date.parse(last!.liveAt!);
  expect(idleMs).toBeGreaterThanOrEqual(60_000);
  expect(idleMs).toBeLessThan(60_000 + 15_000 + 5_000);
});
