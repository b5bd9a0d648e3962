/** Browser-side helper: calls the JSON API and turns error bodies into readable messages. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The error code of the body (e.g. room_full), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, init);
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => ({}))) as {
    error?: { message?: string; code?: string };
  };
  if (!response.ok) {
    throw new ApiCallError(
      body.error?.message ?? `Request failed (${response.status}).`,
      response.status,
      body.error?.code,
    );
  }
  return body as T;
}

export function jsonInit(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
