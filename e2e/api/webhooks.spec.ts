/**
 * Webhooks against the running stack: an endpoint registered through the API receives
 * `session.started`, `session.ended` and `transcript.ready` for a real session, each signed
 * and verified with the `standardwebhooks` library by a receiver in this process (on
 * 127.0.0.1, which global-setup allowlists); URLs the platform must never call are refused.
 */
import { createReadyAvatar, expect, expectApiError, startSession, test } from '../fixtures';
import { startWebhookReceiver, type WebhookMessage } from '../support/webhook-receiver';

interface CreatedWebhook {
  id: string;
  url: string;
  events: string[];
  secret: string;
}

test.describe('webhooks API', () => {
  test('a session sends signed session.started, session.ended and transcript.ready', async ({
    api,
    sessionsToStop,
  }) => {
    const receiver = await startWebhookReceiver();
    try {
      const response = await api.post('/api/v1/webhooks', {
        data: {
          url: receiver.url,
          events: ['session.started', 'session.ended', 'transcript.ready'],
        },
      });
      expect(response.status(), await response.text()).toBe(201);
      const webhook = (await response.json()) as CreatedWebhook;
      expect(webhook.secret).toMatch(/^whsec_/);
      // The secret is never shown again.
      const listed = await api.get('/api/v1/webhooks');
      expect(await listed.text()).not.toContain(webhook.secret);

      const avatar = await createReadyAvatar(api);
      const session = await startSession(api, avatar.id);
      sessionsToStop.push({ api, id: session.id });
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
      const stopped = await api.delete(`/api/v1/sessions/${session.id}`);
      expect([200, 204]).toContain(stopped.status());
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(3);

      const messages: WebhookMessage[] = receiver.received.map((request) =>
        receiver.verify(webhook.secret, request),
      );
      expect(messages.map((m) => m.type)).toEqual([
        'session.started',
        'session.ended',
        'transcript.ready',
      ]);
      for (const message of messages) expect(message.data.sessionId).toBe(session.id);
      expect(messages[1]!.data).toMatchObject({ status: 'ended', avatarId: avatar.id });
      expect(messages[2]!.data.url).toMatch(
        new RegExp(`/api/v1/sessions/${session.id}/transcript$`),
      );
      // Distinct messages, each with its own id; a tampered body does not verify.
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(3);
      expect(() =>
        receiver.verify(webhook.secret, {
          ...receiver.received[0]!,
          body: receiver.received[0]!.body.replace(session.id, 'someone-else'),
        }),
      ).toThrow();

      // The delivery log says so.
      const log = await api.get(`/api/v1/webhooks/${webhook.id}/deliveries`);
      expect(log.status()).toBe(200);
      const { deliveries } = (await log.json()) as {
        deliveries: Array<{ event: string; status: string; attempts: number; lastStatus: number }>;
      };
      expect(deliveries).toHaveLength(3);
      for (const delivery of deliveries)
        expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    } finally {
      await receiver.close();
    }
  });

  test('refuses URLs the platform must not call, and hides other accounts’ endpoints', async ({
    api,
    newUser,
  }) => {
    await expectApiError(
      await api.post('/api/v1/webhooks', {
        data: { url: 'http://169.254.169.254/latest/meta-data/', events: ['avatar.ready'] },
      }),
      422,
      'unprocessable',
      /url: 169\.254\.169\.254 is a link-local or cloud-metadata address/,
    );
    await expectApiError(
      await api.post('/api/v1/webhooks', {
        data: { url: 'http://10.0.0.1/hook', events: ['avatar.ready'] },
      }),
      422,
      'unprocessable',
      /url: .*private network.*FACECAST_OUTBOUND_ALLOWLIST/,
    );
    await expectApiError(
      await api.post('/api/v1/webhooks', {
        data: { url: 'https://hooks.example.com/x', events: ['session.exploded'] },
      }),
      422,
      'unprocessable',
      /session\.started/,
    );

    const created = await api.post('/api/v1/webhooks', {
      data: { url: 'https://hooks.example.com/x', events: ['avatar.ready'] },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as CreatedWebhook;
    const other = await newUser();
    await expectApiError(await other.api.get(`/api/v1/webhooks/${id}`), 404, 'not_found');
    await expectApiError(
      await other.api.get(`/api/v1/webhooks/${id}/deliveries`),
      404,
      'not_found',
    );
    await expectApiError(await other.api.delete(`/api/v1/webhooks/${id}`), 404, 'not_found');
    expect((await other.api.get('/api/v1/webhooks')).ok()).toBe(true);
    expect(await (await other.api.get('/api/v1/webhooks')).json()).toEqual({ webhooks: [] });
    expect((await api.delete(`/api/v1/webhooks/${id}`)).status()).toBe(204);
  });
});
