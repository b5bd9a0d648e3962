/**
 * The conversation API end to end: an avatar's conversation settings (validation, write-only
 * keys), the settings Test button's endpoint, and a live session's messages, interrupt,
 * transcript and Server-Sent Events.
 *
 * The language model is a LOCAL STAND-IN (tests/support/openai-stand-in.ts) speaking the
 * OpenAI chat API on 127.0.0.1 inside the test namespace, where the app reaches it; no real
 * provider is called.
 */
import { randomBytes } from 'node:crypto';
import { type StandIn, startOpenAiStandIn } from '../../tests/support/openai-stand-in';
import {
  type AvatarBody,
  createReadyAvatar,
  expect,
  expectApiError,
  startSession,
  test,
  uploadDemoAvatar,
} from '../fixtures';
import { E2E_APP_URL } from '../support/stack-info';

interface ConversationBody extends AvatarBody {
  conversation: {
    mode: 'echo' | 'chat';
    llm: { baseUrl?: string; model?: string; temperature?: number; hasApiKey: boolean };
    persona: string;
    memoryTurns: number;
  };
  transcription: { provider: string; hasApiKey: boolean };
}

interface Turn {
  role: 'user' | 'avatar';
  speaker?: string;
  text: string;
  interrupted: boolean;
}

interface ServerSentEvent {
  type: string;
  data: Record<string, unknown>;
}

let standIn: StandIn;
test.beforeAll(async () => {
  standIn = await startOpenAiStandIn();
});
test.afterAll(async () => {
  await standIn.close();
});

/**
 * Reads a session's event stream with fetch (as any HTTP client would) until `until` returns
 * true for the events so far; resolves with them. `ready` resolves once the stream is open.
 */
function readEvents(
  sessionId: string,
  apiKey: string,
  until: (events: ServerSentEvent[]) => boolean,
  timeoutMs = 30_000,
): { ready: Promise<void>; events: Promise<ServerSentEvent[]> } {
  let opened: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  const events = (async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const seen: ServerSentEvent[] = [];
    try {
      const response = await fetch(`${E2E_APP_URL}/api/v1/sessions/${sessionId}/events`, {
        headers: { authorization: `Bearer ${apiKey}` },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      if (!response.body) throw new Error('no body');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!type || !data) continue;
          seen.push({ type, data: JSON.parse(data) as Record<string, unknown> });
          // The first event is the current state: the stream is open.
          if (seen.length === 1) opened();
          if (until(seen)) {
            await reader.cancel();
            return seen;
          }
        }
      }
      return seen;
    } catch (error) {
      if (controller.signal.aborted) return seen;
      throw error;
    } finally {
      clearTimeout(timer);
      opened();
    }
  })();
  return { ready, events };
}

test.describe('conversation API', () => {
  test('settings: validation, write-only model key, a new baseUrl drops the key', async ({
    api,
  }) => {
    const avatar = await uploadDemoAvatar(api);
    const url = `/api/v1/avatars/${avatar.id}`;

    await expectApiError(
      await api.patch(url, { data: { conversation: { mode: 'chat' } } }),
      422,
      'unprocessable',
      /Chat mode needs a language model/,
    );
    await expectApiError(
      await api.patch(url, { data: { conversation: { persona: 'x'.repeat(4001) } } }),
      422,
      'unprocessable',
      /persona must be at most 4000 characters/,
    );
    await expectApiError(
      await api.patch(url, { data: { conversation: { memoryTurns: 51 } } }),
      422,
      'unprocessable',
      /memoryTurns must be at most 50/,
    );
    await expectApiError(
      await api.patch(url, {
        data: { conversation: { llm: { baseUrl: 'http://model.example.com/v1' } } },
      }),
      422,
      'unprocessable',
      /https/,
    );
    // Nothing was stored by the refused requests.
    const untouched = (await (await api.get(url)).json()) as ConversationBody;
    expect(untouched.conversation.mode).toBe('echo');
    expect(untouched.conversation.persona).toBe('');

    const secret = `sk-e2e-${randomBytes(8).toString('hex')}`;
    const saved = await api.patch(url, {
      data: {
        conversation: {
          mode: 'chat',
          llm: { baseUrl: standIn.url, model: 'stand-in-chat', apiKey: secret, temperature: 0.4 },
          persona: 'You are a museum guide.',
          memoryTurns: 6,
        },
      },
    });
    const savedText = await saved.text();
    expect(saved.status(), savedText).toBe(200);
    expect(savedText).not.toContain(secret);
    const body = JSON.parse(savedText) as ConversationBody;
    expect(body.conversation).toMatchObject({
      mode: 'chat',
      llm: { baseUrl: standIn.url, model: 'stand-in-chat', temperature: 0.4, hasApiKey: true },
      persona: 'You are a museum guide.',
      memoryTurns: 6,
    });
    expect(body.conversation.llm).not.toHaveProperty('apiKey');
    const read = await api.get(url);
    expect(await read.text()).not.toContain(secret);

    // A key belongs to one server: a new baseUrl without a key drops it.
    const moved = await api.patch(url, {
      data: { conversation: { llm: { baseUrl: 'http://127.0.0.1:9/v1' } } },
    });
    expect(moved.status(), await moved.text()).toBe(200);
    expect(((await moved.json()) as ConversationBody).conversation.llm.hasApiKey).toBe(false);
  });

  test('the Test endpoint makes one real request: the answer, or the provider failure', async ({
    api,
    newUser,
  }) => {
    const avatar = await uploadDemoAvatar(api);
    const testUrl = `/api/v1/avatars/${avatar.id}/conversation/test`;
    standIn.chat.set({ answer: 'I am working fine.', failure: undefined });

    // Nothing stored and nothing given: nothing to test.
    await expectApiError(await api.post(testUrl, { data: {} }), 422, 'unprocessable', /baseUrl/);
    await expectApiError(
      await api.post(testUrl, { data: { llm: { baseUrl: 'ftp://x', model: 'm' } } }),
      422,
      'unprocessable',
    );

    const requestsBefore = standIn.chat.requests.length;
    const ok = await api.post(testUrl, {
      data: { llm: { baseUrl: standIn.url, model: 'stand-in-chat' }, prompt: 'Are you there?' },
    });
    expect(ok.status(), await ok.text()).toBe(200);
    const answer = (await ok.json()) as { ok: boolean; text: string; latencyMs: number };
    expect(answer).toMatchObject({ ok: true, text: 'I am working fine.' });
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
    const request = standIn.chat.requests[requestsBefore];
    expect(request?.body.model).toBe('stand-in-chat');
    expect(request?.body.messages?.at(-1)?.content).toBe('Are you there?');

    // The stored key is used for the stored server when the form gives none.
    const secret = `sk-e2e-${randomBytes(8).toString('hex')}`;
    const saved = await api.patch(`/api/v1/avatars/${avatar.id}`, {
      data: {
        conversation: { llm: { baseUrl: standIn.url, model: 'stand-in-chat', apiKey: secret } },
      },
    });
    expect(saved.status(), await saved.text()).toBe(200);
    expect((await api.post(testUrl, { data: {} })).status()).toBe(200);
    expect(standIn.chat.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);

    // The provider refusing the key is an answer, not our error; the key is never echoed.
    standIn.chat.set({ failure: 'refuse-401' });
    try {
      const refused = await api.post(testUrl, { data: {} });
      const text = await refused.text();
      expect(refused.status(), text).toBe(200);
      expect(text).not.toContain(secret);
      const failure = JSON.parse(text) as { ok: boolean; error: { code: string; message: string } };
      expect(failure.ok).toBe(false);
      expect(failure.error.code).toBe('http');
      expect(failure.error.message).toMatch(/401/);
      expect(failure.error.message).toMatch(/API key/);
    } finally {
      standIn.chat.set({ failure: undefined });
    }

    // Connection refused is reported the same way.
    const down = await api.post(testUrl, {
      data: { llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'stand-in-chat' } },
    });
    expect(down.status()).toBe(200);
    expect(await down.json()).toMatchObject({ ok: false, error: { code: 'connection' } });

    // Another user's avatar does not exist for this user.
    const other = await newUser();
    await expectApiError(await other.api.post(testUrl, { data: {} }), 404, 'not_found');
  });

  test('a live session: messages, interrupt, transcript and events; others get 404', async ({
    api,
    apiKey,
    newUser,
    sessionsToStop,
  }) => {
    const avatar = await createReadyAvatar(api);
    const session = await startSession(api, avatar.id);
    sessionsToStop.push({ api, id: session.id });
    const base = `/api/v1/sessions/${session.id}`;

    await expectApiError(
      await api.post(`${base}/messages`, { data: { text: '   ' } }),
      422,
      'unprocessable',
      /text must not be empty/,
    );
    await expectApiError(
      await api.post(`${base}/messages`, { data: { text: 'a'.repeat(1001) } }),
      422,
      'unprocessable',
      /at most 1000 characters/,
    );
    // Interrupting an idle avatar is harmless.
    const idleInterrupt = await api.post(`${base}/interrupt`);
    expect(idleInterrupt.status()).toBe(204);
    const stillLive = (await (await api.get(base)).json()) as { status: string; state: string };
    expect(stillLive.status).toBe('live');

    // The events stream shows the message's whole life: speech starts and ends.
    const text = 'Hello from the conversation test.';
    const stream = readEvents(session.id, apiKey, (events) =>
      events.some((e) => e.type === 'speech.ended'),
    );
    await stream.ready;
    const sent = await api.post(`${base}/messages`, { data: { text } });
    expect(sent.status(), await sent.text()).toBe(202);
    const events = await stream.events;
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('state');
    expect(types).toContain('user.transcript');
    expect(types).toContain('speech.started');
    expect(types.indexOf('speech.started')).toBeLessThan(types.indexOf('speech.ended'));
    expect(events.some((e) => e.type === 'state' && e.data.state === 'speaking')).toBe(true);
    const ended = events.find((e) => e.type === 'speech.ended');
    expect(ended?.data).toMatchObject({ interrupted: false });
    expect(String(ended?.data.text)).toContain('conversation test');

    // The transcript stores the user's turn and the avatar's.
    await expect
      .poll(
        async () => {
          const response = await api.get(`${base}/transcript`);
          expect(response.status()).toBe(200);
          return ((await response.json()) as { turns: Turn[] }).turns;
        },
        { timeout: 15_000 },
      )
      .toEqual([
        expect.objectContaining({ role: 'user', speaker: 'api', text, interrupted: false }),
        expect.objectContaining({
          role: 'avatar',
          text: expect.stringContaining('conversation test'),
          interrupted: false,
        }),
      ]);

    // Another user cannot see or drive this session.
    const other = await newUser();
    for (const response of [
      await other.api.post(`${base}/messages`, { data: { text: 'Hi' } }),
      await other.api.post(`${base}/interrupt`),
      await other.api.get(`${base}/transcript`),
      await other.api.get(`${base}/events`),
    ]) {
      await expectApiError(response, 404, 'not_found', /Session not found/);
    }
  });
});
