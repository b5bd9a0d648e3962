/**
 * The Content-Security-Policy of every page (docs/decisions/022-security-headers.md): the
 * app's own scripts, styles, images and media; connections to itself and to the LiveKit
 * server (WebSocket signalling and its HTTP API); no plugins; and who may frame the page:
 * nobody (`frame-ancestors 'none'`), except the widget's page, which its avatar's allowed
 * sites may frame.
 */

export interface CspOptions {
  /** LIVEKIT_URL as browsers reach it (ws:// or wss://). */
  livekitUrl: string;
  /** Source expressions for frame-ancestors; empty: `'none'`. */
  frameAncestors: string[];
  /** Next.js development mode needs eval (React's debugging, fast refresh). */
  dev?: boolean;
}

/** `ws://host:7880` → [`ws://host:7880`, `http://host:7880`]: signalling and its HTTP API. */
function livekitSources(livekitUrl: string): string[] {
  try {
    const url = new URL(livekitUrl);
    const http = url.protocol === 'wss:' ? 'https:' : 'http:';
    return [`${url.protocol}//${url.host}`, `${http}//${url.host}`];
  } catch {
    return [];
  }
}

export function contentSecurityPolicy(options: CspOptions): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // Next.js streams its hydration data in inline scripts, and the API reference page starts
    // Scalar inline; nonces would make every page dynamic (Next.js docs, CSP).
    'script-src': ["'self'", "'unsafe-inline'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...livekitSources(options.livekitUrl)],
    'worker-src': ["'self'", 'blob:'],
    // The Embed panel previews the widget's own page.
    'frame-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': options.frameAncestors.length > 0 ? options.frameAncestors : ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
