/**
 * Whether a LiveKit server answers: a GET on its HTTP root (the server answers 200 "OK"
 * there), used before rejoining sessions after the server went away, so no session process
 * is spent on a server that is still down.
 */

/** How long one probe may take (ms). */
export const LIVEKIT_PROBE_TIMEOUT_MS = 2_000;

/** The HTTP URL of a LiveKit URL: `ws(s)://host/base` → `http(s)://host/base/`. */
export function livekitHttpUrl(livekitUrl: string): string {
  const url = new URL(livekitUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** True when the server at `livekitUrl` answers with a 2xx within the probe timeout. */
export async function livekitAnswers(livekitUrl: string): Promise<boolean> {
  try {
    const response = await fetch(livekitHttpUrl(livekitUrl), {
      signal: AbortSignal.timeout(LIVEKIT_PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
