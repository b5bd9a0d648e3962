'use client';
/**
 * The frame's side of the postMessage API (docs/widget.md): events go to the host page only
 * (targetOrigin = the page's origin, never `*`); commands are taken only from the parent
 * window and from that origin.
 */

export type WidgetEvent =
  | { type: 'facecast:ready'; state: 'idle' | 'live' }
  | { type: 'facecast:speaking'; speaking: boolean }
  | { type: 'facecast:transcript'; role: 'user' | 'avatar'; text: string; name?: string }
  | { type: 'facecast:ended'; reason: string }
  /** The connection was lost; the widget is joining the same conversation again by itself. */
  | { type: 'facecast:reconnecting' }
  /** The avatar's video plays again after `facecast:reconnecting`. */
  | { type: 'facecast:reconnected' }
  /** Asks the loader to hide the panel (the close button inside the frame). */
  | { type: 'facecast:close-request' };

export type HostCommand =
  { type: 'facecast:open' } | { type: 'facecast:close' } | { type: 'facecast:say'; text: string };

/**
 * The origin of the page that frames this one: Chromium and Safari tell it
 * (`location.ancestorOrigins`); elsewhere the loader's `host` parameter, which must agree
 * with the referrer when there is one. Null when not framed.
 */
export function hostOrigin(hostParam: string | undefined): string | null {
  if (window.parent === window) return null;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0] ?? null;
  try {
    const referrer = document.referrer ? new URL(document.referrer).origin : null;
    if (hostParam && referrer && referrer !== hostParam) return referrer;
    return hostParam ? new URL(hostParam).origin : referrer;
  } catch {
    return null;
  }
}

export function postToHost(origin: string | null, event: WidgetEvent): void {
  if (!origin || window.parent === window) return;
  window.parent.postMessage(event, origin);
}

/** Listens for the host page's commands; returns a function that stops listening. */
export function onHostCommand(
  origin: string | null,
  handle: (command: HostCommand) => void,
): () => void {
  const listener = (event: MessageEvent) => {
    if (!origin || event.origin !== origin || event.source !== window.parent) return;
    const data = event.data as { type?: unknown; text?: unknown } | null;
    if (data?.type === 'facecast:open' || data?.type === 'facecast:close') {
      handle({ type: data.type });
    } else if (data?.type === 'facecast:say' && typeof data.text === 'string') {
      handle({ type: 'facecast:say', text: data.text.slice(0, 1_000) });
    }
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
