/**
 * The app's webhook sender: every 2 s, and at once when an event is recorded in this process,
 * it sends what is due (deliver.ts). Every app instance runs one; claims in the database keep
 * them apart.
 */
import type { PrismaClient } from '@prisma/client';
import { env } from '@/lib/config/env';
import { log } from '@/lib/log/logger';
import { deliverDue } from './deliver';
import { pruneDeliveries } from './prune-deliveries';

const INTERVAL_MS = 2_000;
/** How often old deliveries are pruned, ms. */
const PRUNE_INTERVAL_MS = 3_600_000;

// On globalThis: Next.js bundles instrumentation and route handlers apart, so a module-level
// variable set by one would not be seen by the other.
const holder = globalThis as typeof globalThis & { facecastWebhookWake?: () => void };

/** Sends due deliveries soon (a no-op when no dispatcher runs in this process). */
export function nudgeWebhookDispatcher(): void {
  holder.facecastWebhookWake?.();
}

/** Starts the dispatcher (once per process); the returned function stops it. */
export function startWebhookDispatcher(prisma: PrismaClient): () => void {
  if (holder.facecastWebhookWake) return () => undefined;
  let running = false;
  let again = false;
  let stopped = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await deliverDue(prisma, { now: new Date(), appSecret: env().AUTH_SECRET });
      } while (again && !stopped);
    } catch (error) {
      log.warn({ err: error }, 'webhook dispatch failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), INTERVAL_MS);
  timer.unref();
  const prune = setInterval(() => {
    pruneDeliveries(prisma, new Date()).catch((error: unknown) =>
      log.warn({ err: error }, 'webhook delivery pruning failed'),
    );
  }, PRUNE_INTERVAL_MS);
  prune.unref();
  holder.facecastWebhookWake = () => void run();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearInterval(prune);
    holder.facecastWebhookWake = undefined;
  };
}
