/**
 * Authentication of worker hosts calling the app: `Authorization: Bearer <WORKER_SECRET>`,
 * compared in constant time (digests of equal length, so the length leaks nothing either).
 */
import { ApiError } from '@/lib/api/errors';
import { carriesWorkerSecret } from '@/scripts/lib/worker-secret.mjs';

/** Throws 401 unless the request carries the worker secret. */
export function assertWorkerSecret(request: Request, workerSecret: string): void {
  if (!carriesWorkerSecret(request.headers.get('authorization'), workerSecret)) {
    throw new ApiError(
      'unauthorized',
      'Worker host not authorised: send "Authorization: Bearer <WORKER_SECRET>" with the same WORKER_SECRET the app runs with.',
    );
  }
}
