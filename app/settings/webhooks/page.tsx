import { db } from '@/lib/db/db';
import { listWebhookEndpoints } from '@/lib/webhooks/endpoints';
import { WEBHOOK_EVENTS } from '@/lib/webhooks/events';
import { requireUser } from '../../_components/require-user';
import { WebhookManager } from './webhook-manager';

export default async function WebhooksPage() {
  const user = await requireUser('/settings/webhooks');
  const endpoints = await listWebhookEndpoints(await db(), user.id);
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">
        Facecast posts an event to your URL when a session starts or ends, a transcript is ready, an
        avatar is prepared, or a booking changes. Each request is signed the{' '}
        <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way: verify it with the
        secret shown when you add the endpoint. Failed deliveries are retried for 24 hours. Details:{' '}
        <code>docs/webhooks.md</code>; API: <a href="/docs/api">reference</a>.
      </p>
      <WebhookManager initial={endpoints} events={[...WEBHOOK_EVENTS]} />
    </>
  );
}
