/** The worker API's one error type: a code that maps to an HTTP status. */

export const API_ERROR_STATUS = {
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The avatar's frame store is missing or damaged; the app rebuilds it from the source. */
  avatar_store_invalid: 409,
  payload_too_large: 413,
  invalid_request: 422,
  capacity: 503,
  shutting_down: 503,
  session_start_failed: 502,
  internal: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}
