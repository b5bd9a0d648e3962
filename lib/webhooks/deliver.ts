/**
 * Sending deliveries. Each attempt is signed the Standard Webhooks way (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, through the `standardwebhooks` library), posted
 * through guardedFetch under the endpoint owner's outbound policy (every redirect hop checked)
 * with a 10 s deadline, and recorded (status, a body excerpt, or why it failed). Failures are
 * retried on the schedule in events.ts for 24 h, then the delivery has failed.
 *
 * Claims live in the database: a due delivery is taken by moving its `nextAttemptAt` to the
 * end of a lease, conditional on the value just read, so of two app instances (or two ticks)
 * only one wins; an instance that dies mid-attempt leaves the delivery due again when the
 * lease ends.
 */
import type { Prisma, PrismaClient, WebhookDelivery } from '@prisma/client';
import { Webhook } from 'standardwebhooks';
import { log } from '@/lib/log/logger';
import { SealError } from '@/protocol/sealing';
import { outboundPolicyFor } from '@/lib/providers/outbound-policy';
import {
  guardedFetch,
  refusalIn,
  untilAborted,
  type OutboundPolicy,
} from '@/protocol/providers/outbound';
import { nextRetryAt } from './events';
import { unsealWebhookSecret } from './secret';

/** One attempt's deadline (all redirect hops together), ms. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claim keeps other instances away, ms: well past an attempt's deadline. */
export const CLAIM_MS = 60_000;
/** Longest part of an answer's body that is kept, characters. */
const EXCERPT_CHARS = 500;
/** Longest error text kept, characters. */
const MAX_ERROR_CHARS = 300;

export interface DeliverOptions {
  /** The app secret that seals endpoint secrets (AUTH_SECRET). */
  appSecret: string;
  now: Date;
  /** The outbound policy of an endpoint's owner (default: outboundPolicyFor). */
  policyFor?: (isAdmin: boolean) => OutboundPolicy;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

type EndpointForSend = {
  id: string;
  url: string;
  secretSealed: string;
  user: { isAdmin: boolean };
};

/** Reads at most `chars` characters of a body, then lets the rest go. */
async function excerpt(response: Response, chars: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < chars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut off mid-way still tells what it said so far.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.length > 0 ? text.slice(0, chars) : null;
}

function failureText(error: unknown): string {
  if (error instanceof SealError)
    return 'The signing secret cannot be read (was AUTH_SECRET changed?); delete this endpoint and create it again.';
  const refused = refusalIn(error);
  if (refused) return `Not sent: ${refused.message}`;
  const err = error as { name?: string; message?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s.`;
  const reason = err.cause?.code ?? err.message ?? String(error);
  return `Could not reach the endpoint: ${reason}`.slice(0, MAX_ERROR_CHARS);
}

/** One HTTP attempt: signed, guarded, with a deadline. Never throws. */
async function post(
  delivery: WebhookDelivery,
  endpoint: EndpointForSend,
  options: DeliverOptions,
): Promise<Outcome> {
  const body = JSON.stringify(delivery.payload);
  const policy = (options.policyFor ?? outboundPolicyFor)(endpoint.user.isAdmin);
  // The deadline: guardedFetch gives up when it fires (untilAborted; fetch's own abort was
  // seen lost on a loaded machine), and the body excerpt below is raced against it too.
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException('deadline', 'TimeoutError')),
    ATTEMPT_TIMEOUT_MS,
  );
  try {
    const secret = unsealWebhookSecret(endpoint.secretSealed, options.appSecret, endpoint.id);
    const signature = new Webhook(secret).sign(delivery.messageId, options.now, body);
    const response = await guardedFetch(policy, undefined, { keepMethod: true })(endpoint.url, {
      method: 'POST',
      signal: deadline.signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Facecast-Webhooks/1',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(Math.floor(options.now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    const text = await untilAborted(excerpt(response, EXCERPT_CHARS), deadline.signal);
    const ok = response.status >= 200 && response.status < 300;
    const error = ok
      ? null
      : response.status >= 300 && response.status < 400
        ? `The endpoint answered ${response.status}, a redirect that would turn the POST into a GET; give the final URL.`
        : `The endpoint answered ${response.status}; only 2xx counts as delivered.`;
    return { ok, status: response.status, responseExcerpt: text, error };
  } catch (error) {
    return { ok: false, status: null, responseExcerpt: null, error: failureText(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Makes one attempt of a claimed delivery and records it; `leaseUntil` proves the claim. */
async function attempt(
  prisma: PrismaClient,
  delivery: WebhookDelivery,
  leaseUntil: Date,
  options: DeliverOptions,
): Promise<void> {
  const endpoint = await prisma.webhookEndpoint.findUnique({
    where: { id: delivery.endpointId },
    select: { id: true, url: true, secretSealed: true, user: { select: { isAdmin: true } } },
  });
  if (!endpoint) return; // deleted meanwhile: its deliveries went with it
  const startedMs = Date.now();
  const outcome = await post(delivery, endpoint, options);
  const durationMs = Date.now() - startedMs;
  const attempts = delivery.attempts + 1;
  const firstAttemptAt = delivery.firstAttemptAt ?? options.now;
  const retryAt = outcome.ok ? null : nextRetryAt({ attempts, firstAttemptAt, now: options.now });
  const data: Prisma.WebhookDeliveryUpdateManyMutationInput = {
    attempts,
    firstAttemptAt,
    lastAttemptAt: options.now,
    lastStatus: outcome.status,
    lastError: outcome.error,
    ...(outcome.ok
      ? { status: 'delivered', deliveredAt: options.now, nextAttemptAt: null }
      : retryAt
        ? { status: 'pending', nextAttemptAt: retryAt }
        : { status: 'failed', nextAttemptAt: null }),
  };
  await prisma.$transaction(async (tx) => {
    // Only while the claim holds: after a lease ran out another instance owns the delivery.
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', nextAttemptAt: leaseUntil },
      data,
    });
    if (count === 0) return;
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        at: options.now,
        status: outcome.status,
        responseExcerpt: outcome.responseExcerpt,
        error: outcome.error,
        durationMs,
      },
    });
  });
  if (!outcome.ok)
    log.info(
      {
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        attempts,
        status: outcome.status,
        gaveUp: retryAt === null,
      },
      'webhook delivery attempt failed',
    );
}

/**
 * Claims and sends the deliveries due at `options.now` (at most `limit`); resolves with the
 * ids this call claimed, once their attempts are recorded.
 */
export async function deliverDue(
  prisma: PrismaClient,
  options: DeliverOptions & { limit?: number },
): Promise<string[]> {
  const due = await prisma.webhookDelivery.findMany({
    where: { status: 'pending', nextAttemptAt: { lte: options.now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: options.limit ?? 20,
  });
  const leaseUntil = new Date(options.now.getTime() + CLAIM_MS);
  const claimed: WebhookDelivery[] = [];
  for (const delivery of due) {
    const { count } = await prisma.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', nextAttemptAt: delivery.nextAttemptAt },
      data: { nextAttemptAt: leaseUntil },
    });
    if (count === 1) claimed.push(delivery);
  }
  await Promise.all(claimed.map((delivery) => attempt(prisma, delivery, leaseUntil, options)));
  return claimed.map((delivery) => delivery.id);
}
