/**
 * Where the platform may send a request whose URL a user chose (a speech, language-model or
 * transcription server): never to link-local or cloud-metadata addresses, and to loopback or
 * private networks only when the operator allows it (an admin's avatar, or a host listed in
 * FACECAST_OUTBOUND_ALLOWLIST). Checked when a URL is set (the app answers 422) and again for
 * every request and every redirect hop when it is used (`guardedFetch`), since a name can point
 * somewhere else by then. docs/security.md, "Outbound requests".
 *
 * In protocol/ because both sides use it: the app checks settings and runs "Test" requests,
 * session processes call the providers.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

export const outboundPolicySchema = z.object({
  /** Loopback and private addresses are allowed (the owner is an admin). */
  allowPrivate: z.boolean(),
  /** Hosts (`name`, `name:port`, `10.0.0.5`, `[::1]:8080`) allowed even when private. */
  allowlist: z.array(z.string().min(1).max(300)).max(200),
});
export type OutboundPolicy = z.infer<typeof outboundPolicySchema>;

/** Public addresses only: what a session gets when its request names no policy. */
export const PUBLIC_ONLY: OutboundPolicy = { allowPrivate: false, allowlist: [] };

/** Refused for everyone: link-local (cloud metadata lives there) and AWS's IPv6 metadata. */
const forbidden = new BlockList();
forbidden.addSubnet('169.254.0.0', 16, 'ipv4');
forbidden.addSubnet('fe80::', 10, 'ipv6');
forbidden.addAddress('fd00:ec2::254', 'ipv6');

/** This machine and networks that are not the internet. */
const privateNets = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches this machine
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (also some clouds' metadata, e.g. 100.100.100.200)
  ['127.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  privateNets.addSubnet(net, prefix, 'ipv4');
privateNets.addAddress('::', 'ipv6');
privateNets.addAddress('::1', 'ipv6');
privateNets.addSubnet('fc00::', 7, 'ipv6'); // unique local
privateNets.addSubnet('ff00::', 8, 'ipv6'); // multicast

export type AddressKind = 'public' | 'private' | 'forbidden';

/** How an IP address is treated; IPv4 written inside IPv6 (`::ffff:a.b.c.d`) as its IPv4. */
export function addressKind(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const ip = mapped ?? bare;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  // NAT64 and 6to4 wrap IPv4 addresses too; a host that routes them would reach the inside.
  if (family === 'ipv6' && /^(64:ff9b::|2002:)/i.test(ip)) return 'private';
  if (forbidden.check(ip, family)) return 'forbidden';
  if (privateNets.check(ip, family)) return 'private';
  return 'public';
}

/** A URL the policy refuses; the message says why and what to do. */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
}

function hostOf(url: URL): { host: string; port: string } {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { host, port };
}

/** Whether `host:port` is on the operator's list (an entry without a port allows any port). */
export function allowlisted(url: URL, allowlist: readonly string[]): boolean {
  const { host, port } = hostOf(url);
  return allowlist.some((raw) => {
    const entry = raw.trim().toLowerCase();
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) return bracketed[1] === host && (!bracketed[2] || bracketed[2] === port);
    const colons = entry.split(':').length - 1;
    if (colons === 1) {
      const [name, entryPort] = entry.split(':');
      return name === host && entryPort === port;
    }
    return entry === host; // a name, an IPv4 address, or a bare IPv6 address
  });
}

/** The operator's FACECAST_OUTBOUND_ALLOWLIST (comma separated) as a list. */
export function parseAllowlist(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Throws OutboundRefused unless `rawUrl` may be requested under `policy`. Every address the
 * name resolves to must be allowed; a name that does not resolve is left to the request to
 * report (nothing can be reached through it).
 */
export async function assertOutboundAllowed(
  rawUrl: string | URL,
  policy: OutboundPolicy,
  resolve: Resolve = resolveAll,
): Promise<void> {
  const url = new URL(rawUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundRefused(`${url.protocol} URLs cannot be used; use https://`);
  const { host } = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return;
    }
  }
  const kinds = addresses.map(addressKind);
  if (kinds.includes('forbidden'))
    throw new OutboundRefused(
      `${host} is a link-local or cloud-metadata address; requests there are never sent`,
    );
  if (kinds.includes('private') && !policy.allowPrivate && !allowlisted(url, policy.allowlist))
    throw new OutboundRefused(
      `${url.host} is on this machine or a private network; only an admin may use it, or the operator may add it to FACECAST_OUTBOUND_ALLOWLIST`,
    );
}

/** Redirects followed by `guardedFetch`, each hop checked like the first. */
const MAX_REDIRECTS = 5;

/**
 * `fetch` that checks the URL before each request and follows redirects itself, checking
 * every hop. Refusals reject with OutboundRefused (the `cause` of a TypeError, as fetch's own
 * network errors are, so clients that wrap connection errors still report it).
 *
 * `keepMethod`: a redirect that would turn the request into a GET without its body (301, 302
 * and 303 after a POST) is returned to the caller instead of followed (webhooks: a GET that
 * answers 2xx must not count as a delivered POST); 307 and 308 are still followed.
 */
export function guardedFetch(
  policy: OutboundPolicy,
  resolve: Resolve = resolveAll,
  options: { keepMethod?: boolean } = {},
): typeof fetch {
  return async (input, init) => {
    let request = new Request(input, init);
    // The caller's own signal: the Request's copy follows it only through a weak reference.
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    for (let hop = 0; ; hop++) {
      try {
        await assertOutboundAllowed(request.url, policy, resolve);
      } catch (error) {
        throw new TypeError(`fetch refused: ${(error as Error).message}`, { cause: error });
      }
      const response = await untilAborted(fetch(request.clone(), { redirect: 'manual' }), signal);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || !location) return response;
      if (hop >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
      // As fetch does: 303 (and 301/302 after a POST) become a GET without a body.
      const asGet =
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && request.method === 'POST');
      if (asGet && request.method !== 'GET' && options.keepMethod) return response;
      await response.body?.cancel();
      const next = new URL(location, request.url);
      const sameOrigin = next.origin === new URL(request.url).origin;
      const headers = new Headers(request.headers);
      // Credentials go only where the user sent them.
      if (!sameOrigin) headers.delete('authorization');
      const method = asGet ? 'GET' : request.method;
      const keepsBody = method !== 'GET' && method !== 'HEAD';
      if (!keepsBody) for (const name of ['content-type', 'content-length']) headers.delete(name);
      request = new Request(next, {
        method,
        headers,
        body: keepsBody ? await request.clone().arrayBuffer() : null,
        signal: request.signal,
      });
    }
  };
}

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts. fetch's own
 * abort goes through an AbortController that undici holds only weakly: after a garbage
 * collection during a long request it was seen not to fire (a webhook answering at 13 s was
 * recorded as delivered despite the 10 s deadline). A Response that arrives after the abort
 * has its body cancelled so the connection is released.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null | undefined) {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error ? reason : new Error(String(reason)));
      promise.then(
        (late) => (late instanceof Response ? late.body?.cancel() : undefined),
        () => undefined,
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The OutboundRefused on an error's cause chain (clients wrap fetch's errors), if any. */
export function refusalIn(error: unknown): OutboundRefused | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    if (e instanceof OutboundRefused) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
