/**
 * What the widget specs (e2e/ui/embed-*.spec.ts) share: a site of its own on another loopback
 * address of the test namespace, a shop page with the snippet that records what the widget
 * tells it, a visitor's browser context with an address of its own, and the owner's embed
 * settings.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Browser, BrowserContextOptions, Page } from '@playwright/test';
import { expect } from '../fixtures';
import { WEBRTC_PERMISSIONS } from './chromium';
import { E2E_APP_URL } from './stack-info';

/** The app's origin: where embed.js and the widget's frame come from. */
export const APP = new URL(E2E_APP_URL).origin;

export interface HostSite {
  origin: string;
  /** Sets the page served at `/`. */
  setPage: (html: string) => void;
  close: () => Promise<void>;
}

/** A site of its own: a tiny HTTP server on another loopback address (e.g. 127.0.0.2). */
export async function startHostSite(address: string): Promise<HostSite> {
  let page = '<!doctype html><title>empty</title>';
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === '/' ? 200 : 404, { 'content-type': 'text/html' });
    response.end(request.url === '/' ? page : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${address}:${port}`,
    setPage: (html) => {
      page = html;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A shop's page with `tag` (the snippet, and anything else), recording what the widget tells
 * it: raw messages from the app's origin (`app`, the suite's by default) in
 * `window.facecastMessages`, the loader's DOM events in `window.facecastEvents`.
 */
export function shopPage(tag: string, app = APP): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Example shop</title>
<style>body{font:16px system-ui;margin:0;background:#f6f4ef;color:#222}
header{background:#2d4739;color:#fff;padding:18px 32px;font-size:22px}
main{padding:32px;max-width:640px}</style></head>
<body><header>Example Museum Shop</header>
<main><h1>Prints and posters</h1><p>Questions about opening hours or an order? Ask our guide.</p>
<div id="inline"></div></main>
<script>
  window.facecastMessages = []; window.facecastEvents = [];
  window.addEventListener('message', (e) => {
    if (e.origin === ${JSON.stringify(app)} && e.data && e.data.type) window.facecastMessages.push(e.data);
  });
  for (const type of ['facecast:ready', 'facecast:speaking', 'facecast:transcript', 'facecast:ended',
      'facecast:reconnecting', 'facecast:reconnected']) {
    document.addEventListener(type, (e) => window.facecastEvents.push({ type, ...e.detail }));
  }
</script>
${tag}
</body></html>`;
}

/**
 * The snippet the Embed panel gives, with `extra` attributes (` data-target="#inline"`), of
 * the app at `app` (the suite's by default).
 */
export const snippet = (key: string, extra = '', app = APP) =>
  `<script src="${app}/embed.js" data-avatar="${key}"${extra} async></script>`;

export interface Recorded {
  type: string;
  role?: string;
  text?: string;
  name?: string;
  speaking?: boolean;
  state?: string;
  reason?: string;
}

/** The raw postMessage events the shop page received from the app's origin. */
export const messages = (page: Page) =>
  page.evaluate(() => (window as unknown as { facecastMessages: Recorded[] }).facecastMessages);
/** The CustomEvents the loader dispatched on the shop page. */
export const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { facecastEvents: Recorded[] }).facecastEvents);

/** A visitor address of its own (the suite plays one trusted proxy, global-setup.ts). */
export const visitorAddress = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;

/**
 * A visitor's page in a context of its own, whose requests to the app carry `xff` as the
 * suite's stand-in proxy would say it.
 */
export async function visitorPage(
  browser: Browser,
  options: { xff?: string; context?: BrowserContextOptions } = {},
): Promise<Page> {
  const xff = options.xff ?? visitorAddress();
  const context = await browser.newContext({
    permissions: WEBRTC_PERMISSIONS,
    viewport: { width: 1100, height: 760 },
    ...options.context,
  });
  // The visitor's address on the app's own requests (the frame's), as the suite's stand-in
  // proxy would say it; not on the host page's cross-origin fetches, where a browser sends
  // no such header (it would need a CORS preflight).
  await context.route(`${APP}/**`, async (route) => {
    const origin = route.request().headers().origin;
    if (origin && origin !== APP) return route.continue();
    return route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': xff } });
  });
  return context.newPage();
}

export interface Embed {
  embedKey: string;
  secret: string;
  snippet: string;
}

/** PUT /api/v1/avatars/:id/embed (200 or 201); the owner's settings with the snippet. */
export async function embed(
  api: APIRequestContext,
  avatarId: string,
  data: object,
): Promise<Embed> {
  const response = await api.put(`/api/v1/avatars/${avatarId}/embed`, { data });
  expect([200, 201], await response.text()).toContain(response.status());
  return (await response.json()) as Embed;
}

/** The owner's widget sessions (newest first), to find the one a visitor opened. */
export async function widgetSessions(
  api: APIRequestContext,
): Promise<Array<{ id: string; status: string }>> {
  const response = await api.get('/api/v1/sessions');
  expect(response.status()).toBe(200);
  const body = (await response.json()) as {
    sessions: Array<{ id: string; source: string; status: string }>;
  };
  return body.sessions.filter((s) => s.source === 'widget');
}
