/**
 * A user's webhook endpoints and their delivery log: create (the secret is returned once),
 * list, delete, the latest deliveries with their attempts, and replay. Another user's ids are
 * "not found".
 */
import { randomUUID } from 'node:crypto';
import type {
  PrismaClient,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '@prisma/client';
import { ApiError, notFound } from '@/lib/api/errors';
import { assertProviderUrls } from '@/lib/providers/outbound-policy';
import type { OutboundPolicy } from '@/protocol/providers/outbound';
import { nudgeWebhookDispatcher } from './dispatcher';
import type { WebhookEvent } from './events';
import { newWebhookSecret, sealWebhookSecret } from './secret';

/** Endpoints one account may have. */
export const MAX_ENDPOINTS_PER_USER = 20;
/** Deliveries the log shows per endpoint, newest first. */
export const DELIVERY_LOG_SIZE = 50;

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: string;
}

export interface WebhookAttemptView {
  at: string;
  status: number | null;
  responseExcerpt: string | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryView {
  id: string;
  messageId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  replayOf: string | null;
  createdAt: string;
  payload: Record<string, unknown>;
  attemptLog: WebhookAttemptView[];
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function endpointView(endpoint: WebhookEndpoint): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

export function deliveryView(
  delivery: WebhookDelivery & { attemptLog?: WebhookAttempt[] },
): WebhookDeliveryView {
  return {
    id: delivery.id,
    messageId: delivery.messageId,
    event: delivery.event,
    status: delivery.status as WebhookDeliveryView['status'],
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    deliveredAt: iso(delivery.deliveredAt),
    replayOf: delivery.replayOfId,
    createdAt: delivery.createdAt.toISOString(),
    payload: delivery.payload as Record<string, unknown>,
    attemptLog: (delivery.attemptLog ?? []).map((attempt) => ({
      at: attempt.at.toISOString(),
      status: attempt.status,
      responseExcerpt: attempt.responseExcerpt,
      error: attempt.error,
      durationMs: attempt.durationMs,
    })),
  };
}

/**
 * Creates an endpoint; its URL is checked against the owner's outbound policy first (422
 * naming `url`), and checked again at every delivery.
 */
export async function createWebhookEndpoint(
  prisma: PrismaClient,
  options: {
    userId: string;
    url: string;
    events: WebhookEvent[];
    description?: string | undefined;
    appSecret: string;
    outbound: OutboundPolicy;
  },
): Promise<WebhookEndpointView & { secret: string }> {
  await assertProviderUrls({ url: options.url }, options.outbound);
  const count = await prisma.webhookEndpoint.count({ where: { userId: options.userId } });
  if (count >= MAX_ENDPOINTS_PER_USER)
    throw new ApiError(
      'conflict',
      `An account may have at most ${MAX_ENDPOINTS_PER_USER} webhook endpoints; delete one first.`,
    );
  const id = randomUUID();
  const secret = newWebhookSecret();
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      id,
      userId: options.userId,
      url: options.url,
      events: [...new Set(options.events)],
      description: options.description ?? null,
      secretSealed: sealWebhookSecret(secret, options.appSecret, id),
    },
  });
  return { ...endpointView(endpoint), secret };
}

export async function listWebhookEndpoints(
  prisma: PrismaClient,
  userId: string,
): Promise<WebhookEndpointView[]> {
  const endpoints = await prisma.webhookEndpoint.findMany({
    where: { userId },
    orderBy: { createdAt: 'desc' },
  });
  return endpoints.map(endpointView);
}

/** The user's endpoint, or 404. */
export async function findWebhookEndpoint(
  prisma: PrismaClient,
  userId: string,
  id: string,
): Promise<WebhookEndpoint> {
  const endpoint = await prisma.webhookEndpoint.findFirst({ where: { id, userId } });
  if (!endpoint) throw notFound('Webhook endpoint');
  return endpoint;
}

/** Deletes the endpoint with its delivery log (pending deliveries are dropped). */
export async function deleteWebhookEndpoint(
  prisma: PrismaClient,
  userId: string,
  id: string,
): Promise<void> {
  const { count } = await prisma.webhookEndpoint.deleteMany({ where: { id, userId } });
  if (count === 0) throw notFound('Webhook endpoint');
}

/** The endpoint's newest DELIVERY_LOG_SIZE deliveries with their attempts, newest first. */
export async function listDeliveries(
  prisma: PrismaClient,
  userId: string,
  endpointId: string,
): Promise<WebhookDeliveryView[]> {
  await findWebhookEndpoint(prisma, userId, endpointId);
  const deliveries = await prisma.webhookDelivery.findMany({
    where: { endpointId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: DELIVERY_LOG_SIZE,
    include: { attemptLog: { orderBy: { at: 'asc' } } },
  });
  return deliveries.map(deliveryView);
}

/**
 * Replays a delivery: a new delivery of the same payload with the same `webhook-id` (the
 * Standard Webhooks rule for a message sent again, so receivers can dedupe), due now, with a
 * fresh 24 h of retries. The original keeps its log.
 */
export async function replayDelivery(
  prisma: PrismaClient,
  options: { userId: string; endpointId: string; deliveryId: string; now?: Date },
): Promise<WebhookDeliveryView> {
  await findWebhookEndpoint(prisma, options.userId, options.endpointId);
  const original = await prisma.webhookDelivery.findFirst({
    where: { id: options.deliveryId, endpointId: options.endpointId },
  });
  if (!original) throw notFound('Delivery');
  const replay = await prisma.webhookDelivery.create({
    data: {
      endpointId: original.endpointId,
      messageId: original.messageId,
      event: original.event,
      payload: original.payload ?? {},
      nextAttemptAt: options.now ?? new Date(),
      replayOfId: original.id,
    },
  });
  nudgeWebhookDispatcher();
  return deliveryView(replay);
}
