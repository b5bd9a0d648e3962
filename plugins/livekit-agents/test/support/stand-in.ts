/**
 * What the local OpenAI stand-in (tests/support/openai-stand-in.ts, started by
 * scripts/agents-plugin.ts in place of the paid service) recorded, read over HTTP from its
 * `GET /stand-in/requests`: the parts the whole-agent test checks.
 */

export interface StandInRequests {
  transcription: Array<{
    receivedAt: number;
    model?: string;
    durationMs?: number;
    authorized: boolean;
  }>;
  chat: Array<{
    receivedAt: number;
    firstTokenAt?: number;
    finished: boolean;
    body: {
      model?: string;
      stream?: boolean;
      messages?: Array<{ role: string; content: unknown }>;
    };
    authorized: boolean;
  }>;
  speech: Array<{
    receivedAt: number;
    answeredAt?: number;
    audioMs?: number;
    body: { input?: string; response_format?: string; model?: string };
    authorized: boolean;
  }>;
}

/** `openAiUrl` is the stand-in's base URL with `/v1`. */
export async function standInRequests(openAiUrl: string): Promise<StandInRequests> {
  const response = await fetch(new URL('/stand-in/requests', openAiUrl));
  if (!response.ok) throw new Error(`the stand-in answered ${response.status}`);
  return (await response.json()) as StandInRequests;
}

/** The text of a chat message, whether its content is a string or a list of text parts. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : '',
      )
      .join('');
  }
  return '';
}
