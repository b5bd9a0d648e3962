import { ApiError, type ErrorCode } from '@/lib/api/errors';

/**
 * A predicate for `expect(promise).rejects.toSatisfy(…)`: the error is an ApiError with this
 * code (or HTTP status) and a message matching `pattern`.
 */
export function refusedWith(codeOrStatus: ErrorCode | number, pattern: RegExp) {
  return (error: unknown): boolean =>
    error instanceof ApiError &&
    (typeof codeOrStatus === 'number'
      ? error.status === codeOrStatus
      : error.code === codeOrStatus) &&
    pattern.test(error.message);
}
