/**
 * Records an event for every endpoint of the user that subscribed to it; the dispatcher
 * (dispatcher.ts) sends it. Never throws: a webhook problem must not fail what happened.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import { log } from '@/lib/log/logger';
import { nudgeWebhookDispatcher } from './dispatcher';
import type { WebhookEvent, WebhookPayload } from './events';

/** A Standard Webhooks message id: the `webhook-id` of every attempt and replay. */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/**
 * `delayMs`: the first attempt waits this long (e.g. for late data the event announces); the
 * body's `timestamp` is still `now`.
 */
export async function emitWebhookEvent(
  prisma: PrismaClient,
  userId: string,
  type: WebhookEvent,
  data: Record<string, unknown>,
  now = new Date(),
  options: { delayMs?: number } = {},
): Promise<void> {
  try {
    const endpoints = await prisma.webhookEndpoint.findMany({
      where: { userId, events: { has: type } },
      select: { id: true },
    });
    if (endpoints.length === 0) return;
    const payload: WebhookPayload = { type, timestamp: now.toISOString(), data };
    await prisma.webhookDelivery.createMany({
      data: endpoints.map((endpoint) => ({
        endpointId: endpoint.id,
        messageId: newMessageId(),
        event: type,
        payload: payload as unknown as Prisma.InputJsonObject,
        nextAttemptAt: new Date(now.getTime() + (options.delayMs ?? 0)),
      })),
    });
    nudgeWebhookDispatcher();
  } catch (error) {
    log.warn({ err: error, userId, type }, 'webhook event not recorded');
  }
}
