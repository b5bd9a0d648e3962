/**
 * HTTP client for a worker host (worker/main.ts). Sessions are handed over with everything
 * they need; later this seam becomes LiveKit agent dispatch.
 */
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { env } from '@/lib/config/env';
import { log } from '@/lib/log/logger';
import {
  sessionRenderStatusSchema,
  type SessionRenderStatus,
  type SessionRequest,
} from '@/worker/protocol/session-request';

export interface WorkerHealth {
  status: string;
  capacity: number;
  active: number;
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const { WORKER_URL, WORKER_SECRET } = env();
  try {
    return await fetch(new URL(path, WORKER_URL), {
      ...init,
      headers: {
        authorization: `Bearer ${WORKER_SECRET}`,
        'content-type': 'application/json',
        ...init.headers,
      },
      signal: init.signal ?? AbortSignal.timeout(10_000),
    });
  } catch (error) {
    log.warn({ err: error, path }, 'worker host unreachable');
    throw new ApiError(
      'unavailable',
      'No worker host is reachable right now, so the avatar cannot be started. Try again in a minute; if it persists, check that the worker is running (npm run worker).',
      { 'retry-after': '30' },
    );
  }
}

/** The worker found the avatar's frame store missing or damaged (it must be rebuilt). */
export class AvatarStoreInvalidError extends Error {
  override readonly name = 'AvatarStoreInvalidError';
}

const workerSessionSchema = z.object({ render: sessionRenderStatusSchema.optional() });
const workerErrorSchema = z.object({ error: z.object({ code: z.string() }) });

/** The `error.code` of a worker host error body, if it is one. */
function workerErrorCode(body: string): string | undefined {
  try {
    return workerErrorSchema.safeParse(JSON.parse(body)).data?.error.code;
  } catch {
    return undefined;
  }
}

/** Hands a session to the worker host; resolves with the renderer the session reported. */
export async function startWorkerSession(
  request: SessionRequest,
): Promise<SessionRenderStatus | undefined> {
  const response = await call('/sessions', { method: 'POST', body: JSON.stringify(request) });
  if (response.status === 503) {
    throw new ApiError(
      'unavailable',
      'All worker hosts are busy: every avatar slot is in use. Try again shortly or stop another session.',
      { 'retry-after': '30' },
    );
  }
  if (!response.ok) {
    const detail = await response.text();
    log.error({ status: response.status, detail }, 'worker refused session');
    if (response.status === 409 && workerErrorCode(detail) === 'avatar_store_invalid') {
      throw new AvatarStoreInvalidError(detail);
    }
    throw new ApiError('unavailable', 'The worker host could not start this session. Try again.', {
      'retry-after': '10',
    });
  }
  return workerSessionSchema.safeParse(await response.json()).data?.render;
}

/**
 * The renderer a running session reports, or null when the worker host does not know the
 * session (ended) or cannot be asked right now.
 */
export async function workerSessionStatus(sessionId: string): Promise<SessionRenderStatus | null> {
  try {
    const response = await call(`/sessions/${encodeURIComponent(sessionId)}`, {
      signal: AbortSignal.timeout(1_500),
    });
    if (!response.ok) return null;
    return workerSessionSchema.safeParse(await response.json()).data?.render ?? null;
  } catch {
    return null;
  }
}

export async function stopWorkerSession(sessionId: string): Promise<void> {
  const response = await call(`/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
  if (!response.ok && response.status !== 404) {
    log.warn({ status: response.status, sessionId }, 'worker did not stop session');
  }
}

export async function workerHealth(): Promise<WorkerHealth | null> {
  try {
    const response = await fetch(new URL('/health', env().WORKER_URL), {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok ? ((await response.json()) as WorkerHealth) : null;
  } catch {
    return null;
  }
}
