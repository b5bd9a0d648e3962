/**
 * Authentication of worker hosts calling the app: `Authorization: Bearer <WORKER_SECRET>`,
 * compared in constant time (digests of equal length, so the length leaks nothing either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@/lib/api/errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Throws 401 unless the request carries the worker secret. */
export function assertWorkerSecret(request: Request, workerSecret: string): void {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1] || !timingSafeEqual(digest(match[1]), digest(workerSecret))) {
    throw new ApiError(
      'unauthorized',
      'Worker host not authorised: send "Authorization: Bearer <WORKER_SECRET>" with the same WORKER_SECRET the app runs with.',
    );
  }
}
