/**
 * The two calls the plugin makes to a Facecast installation: start a face in the agent's room
 * (POST /api/v1/agent-sessions) and stop it (DELETE /api/v1/agent-sessions/{id}), with an API
 * key that has the `sessions` scope.
 */

/** A refused or failed call to Facecast, with the server's message and code when it gave one. */
export class FacecastError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when the server could not be reached. */
    readonly status?: number,
    /** `error.code` of Facecast's error body (e.g. `unprocessable`, `quota_exceeded`). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FacecastError';
  }
}

export interface FacecastClientOptions {
  /** The installation's base URL, e.g. https://facecast.example.com. */
  baseUrl: string;
  apiKey: string;
  /** Per request, ms. Starting a face waits until the avatar has joined the room. */
  timeoutMs: number;
}

/** The 201 body of POST /api/v1/agent-sessions (the parts the plugin reads). */
export interface StartedFace {
  /** The session's id, for DELETE. */
  id: string;
  /** The avatar participant's identity in the agent's room. */
  identity: string;
  session: { status: string };
}

/** Facecast's error body: `{"error": {"code", "message"}}`. */
function errorOf(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return {};
  const error = body.error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

async function call(
  options: FacecastClientOptions,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  const url = new URL(
    path,
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new FacecastError(
      `Facecast at ${url.origin} could not be reached: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const { code, message } = errorOf(parsed);
  throw new FacecastError(
    `Facecast ${method} ${url.pathname} failed (${response.status}): ${message ?? (text.slice(0, 300) || response.statusText)}`,
    response.status,
    code,
  );
}

/** Starts a face; resolves once the avatar has joined the agent's room. */
export async function startFace(
  options: FacecastClientOptions,
  request: { avatarId: string; livekitUrl: string; livekitToken: string },
): Promise<StartedFace> {
  const response = await call(options, 'POST', 'api/v1/agent-sessions', request);
  return (await response.json()) as StartedFace;
}

/** Stops a face; one that has already ended (404) counts as stopped. */
export async function stopFace(options: FacecastClientOptions, id: string): Promise<void> {
  try {
    await call(options, 'DELETE', `api/v1/agent-sessions/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof FacecastError && error.status === 404) return;
    throw error;
  }
}
