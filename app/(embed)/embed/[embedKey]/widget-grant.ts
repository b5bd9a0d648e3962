'use client';
/**
 * What the widget's frame gets from the app for one visitor (lib/embeds/widget-session.ts):
 * the grant, a fresh one for the same visitor in the same conversation, and the sentence a
 * visitor reads when a start is refused.
 */

// Type only: nothing of the server module reaches the frame's bundle.
import type { WidgetGrant } from '@/lib/embeds/widget-session';

export type { WidgetGrant };

/** The app refused a fresh token (`status`), or could not be reached (no status). */
export class TokenRefused extends Error {
  constructor(readonly status: number | undefined) {
    super(`token refused: ${status ?? 'no answer'}`);
  }
}

/**
 * A fresh grant for the same visitor in the same conversation (POST …/session/token with
 * the current token); never a new session. 409 once the conversation has ended.
 */
export async function freshGrant(base: string, token: string): Promise<WidgetGrant> {
  const response = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  if (!response?.ok) throw new TokenRefused(response?.status);
  return (await response.json()) as WidgetGrant;
}

/** A sentence for a visitor, from a refused start. */
export function refusal(
  status: number,
  body: { error?: { message?: string; code?: string } },
  retry: string | null,
) {
  if (status === 429 || body.error?.code === 'no_capacity') {
    const seconds = Number(retry ?? '60');
    return `So many people are talking with us right now. Please try again in ${
      seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
    }.`;
  }
  if (status === 403) return 'This assistant is not available on this site.';
  if (status === 404) return 'This assistant is not available right now.';
  return body.error?.message ?? 'The conversation could not start. Please try again later.';
}
