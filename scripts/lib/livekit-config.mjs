/**
 * Builds the LiveKit server's YAML config, one builder for both ways the stack runs:
 *
 * - `npm start` on a normal host: HTTP/WebSocket bound to loopback, ICE candidates from the
 *   host's interfaces plus loopback, so a browser and the worker on the same machine connect.
 * - tests inside a private network namespace: candidates pinned to the namespace's veth
 *   address (`nodeIp`, 10.77.0.1), because libwebrtc (the worker's rtc-node) ignores loopback
 *   interfaces, and loopback candidates kept for Chromium.
 */

/**
 * @typedef {object} LivekitConfigOptions
 * @property {string} apiKey
 * @property {string} apiSecret
 * @property {number} [httpPort] HTTP + WebSocket signalling (default 7880)
 * @property {number} [rtcTcpPort] ICE over TCP (default 7881)
 * @property {number} [rtcUdpPort] ICE over UDP, one muxed port (default 7882)
 * @property {string[]} [bindAddresses] addresses the HTTP server binds (default 127.0.0.1)
 * @property {string} [nodeIp] address advertised in ICE candidates; set inside the test
 *   namespace, left out on a normal host (LiveKit then uses its interfaces' addresses)
 * @property {string[]} [ipIncludes] CIDRs whose interface addresses become candidates
 * @property {'debug' | 'info' | 'warn' | 'error'} [logLevel] default info
 * @property {boolean} [development] LiveKit's dev mode (debug HTTP endpoints); tests only
 * @property {string[]} [webhookUrls] where LiveKit posts its signed room events (the app's
 *   /api/livekit/webhook, which takes removed participants out again)
 * @property {string} [redisAddress] host:port of a Redis server: LiveKit's multi-node mode,
 *   every node with the same Redis (and keys) is one cluster (docs/deploy.md)
 */

/** Keys of LiveKit's `--dev` mode; used by the tests, never by `npm start`. */
export const DEV_KEYS = { apiKey: 'devkey', apiSecret: 'secret' };

/** Address of the LiveKit node inside the test network namespace (veth0). */
export const NAMESPACE_NODE_IP = '10.77.0.1';

/**
 * The config as a plain object, keys as LiveKit's YAML spells them.
 * @param {LivekitConfigOptions} options
 */
export function livekitConfig(options) {
  const {
    apiKey,
    apiSecret,
    httpPort = 7880,
    rtcTcpPort = 7881,
    rtcUdpPort = 7882,
    bindAddresses = ['127.0.0.1'],
    nodeIp,
    ipIncludes,
    logLevel = 'info',
    development = false,
    webhookUrls = [],
    redisAddress,
  } = options;
  if (!apiKey || !apiSecret) throw new Error('livekitConfig: apiKey and apiSecret are required');
  /** @type {Record<string, unknown>} */
  const rtc = {
    tcp_port: rtcTcpPort,
    udp_port: rtcUdpPort,
    // Never ask a STUN server for a public address: there is no internet, and none is needed.
    use_external_ip: false,
    enable_loopback_candidate: true,
  };
  if (nodeIp) rtc.node_ip = nodeIp;
  if (ipIncludes && ipIncludes.length > 0) rtc.ips = { includes: ipIncludes };
  /** @type {Record<string, unknown>} */
  const config = {
    port: httpPort,
    bind_addresses: bindAddresses,
    rtc,
    keys: { [apiKey]: apiSecret },
    logging: { level: logLevel },
  };
  if (development) config.development = true;
  if (webhookUrls.length > 0) config.webhook = { api_key: apiKey, urls: webhookUrls };
  if (redisAddress) config.redis = { address: redisAddress };
  return config;
}

/**
 * The config for the test stack inside the network namespace.
 * @param {Partial<LivekitConfigOptions>} [overrides]
 */
export function namespaceLivekitConfig(overrides = {}) {
  return livekitConfig({
    ...DEV_KEYS,
    bindAddresses: ['127.0.0.1', NAMESPACE_NODE_IP],
    nodeIp: NAMESPACE_NODE_IP,
    development: true,
    ...overrides,
  });
}

/**
 * Serialises a config object to YAML: nested maps, lists of scalars, strings, numbers and
 * booleans (all LiveKit's config needs). Strings are always double-quoted (JSON escaping is
 * valid YAML), so no value can change the document's structure.
 * @param {Record<string, unknown>} value
 * @param {number} [indent]
 * @returns {string}
 */
export function toYaml(value, indent = 0) {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
    if (item === undefined) continue;
    if (Array.isArray(item)) {
      out += `${pad}${name}:\n`;
      for (const element of item) out += `${pad}  - ${scalar(element)}\n`;
    } else if (item !== null && typeof item === 'object') {
      out += `${pad}${name}:\n${toYaml(/** @type {Record<string, unknown>} */ (item), indent + 2)}`;
    } else {
      out += `${pad}${name}: ${scalar(item)}\n`;
    }
  }
  return out;
}

/** @param {unknown} value */
function scalar(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  throw new Error(`toYaml: unsupported value ${JSON.stringify(value)}`);
}
