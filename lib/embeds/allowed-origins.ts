/**
 * The sites an embed may appear on. An entry is an origin: scheme, host and port exactly
 * (`https://shop.example`, `http://127.0.0.1:8080`), or a wildcard written as such
 * (`https://*.example.com`), which matches one or more subdomain labels of example.com but
 * not example.com itself. Nothing else: no paths, no bare hosts, no `*` alone.
 */

/** Most entries per embed (the header that lists them must stay short). */
export const MAX_ALLOWED_ORIGINS = 20;

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ParsedOrigin {
  scheme: 'http:' | 'https:';
  /** The host without the wildcard (`example.com` for `https://*.example.com`). */
  host: string;
  /** The port as written, '' for the scheme's default. */
  port: string;
  wildcard: boolean;
}

/** Why an entry is not an allowed origin, or null when it is one. */
export function originProblem(entry: string): string | null {
  return parse(entry).problem;
}

/** `https://Shop.Example:443/` → `https://shop.example`; entries must be valid (originProblem). */
export function normalizeOrigin(entry: string): string {
  const { parsed } = parse(entry);
  if (!parsed) throw new Error(`not an origin: ${entry}`);
  return format(parsed);
}

function format(p: ParsedOrigin): string {
  return `${p.scheme}//${p.wildcard ? '*.' : ''}${p.host}${p.port ? `:${p.port}` : ''}`;
}

function parse(raw: string): { parsed: ParsedOrigin | null; problem: string | null } {
  const fail = (problem: string) => ({ parsed: null, problem: `"${raw.slice(0, 80)}" ${problem}` });
  const entry = raw.trim();
  const match = /^(https?):\/\/(\*\.)?([^/:?#]+)(?::(\d{1,5}))?\/?$/i.exec(entry);
  if (!match) {
    return fail(
      'is not an origin: write the scheme and host only, e.g. https://shop.example or https://*.example.com (no path).',
    );
  }
  const [, scheme = '', star, rawHost = '', rawPort] = match;
  const host = rawHost.toLowerCase();
  if (host.includes('*')) {
    return fail('has a wildcard in the wrong place: only a leading "*." is allowed.');
  }
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  if (ipv4 && host.split('.').some((n) => Number(n) > 255)) return fail('is not a valid address.');
  const labels = host.split('.');
  if (!ipv4 && !labels.every((label) => HOST_LABEL.test(label))) {
    return fail('has a host name that is not valid.');
  }
  if (star) {
    if (ipv4) return fail('puts a wildcard on an IP address.');
    // `*.com` would admit every site under a top-level domain.
    if (labels.length < 2) {
      return fail('is too wide: a wildcard needs a domain of at least two labels (*.example.com).');
    }
  }
  const scheme2 = `${scheme.toLowerCase()}:` as 'http:' | 'https:';
  let port = rawPort ?? '';
  if (port !== '') {
    const n = Number(port);
    if (n < 1 || n > 65535) return fail('has a port out of range.');
    port = String(n);
    if ((scheme2 === 'https:' && n === 443) || (scheme2 === 'http:' && n === 80)) port = '';
  }
  return { parsed: { scheme: scheme2, host, port, wildcard: !!star }, problem: null };
}

/**
 * Whether `origin` (as a browser sends it in `Origin`, e.g. `https://a.shop.example`) is one
 * of `allowed`: same scheme, same port, and the same host (or, for a wildcard, a host ending
 * in `.` + the wildcard's domain).
 */
export function originAllowed(origin: string | null | undefined, allowed: string[]): boolean {
  if (!origin || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return allowed.some((entry) => {
    const { parsed } = parse(entry);
    if (!parsed || parsed.scheme !== url.protocol || parsed.port !== url.port) return false;
    return parsed.wildcard ? host.endsWith(`.${parsed.host}`) : host === parsed.host;
  });
}

/** The entries as CSP source expressions for `frame-ancestors` (they are valid as written). */
export function frameAncestorSources(allowed: string[]): string[] {
  return allowed.flatMap((entry) => {
    const { parsed } = parse(entry);
    return parsed ? [format(parsed)] : [];
  });
}
