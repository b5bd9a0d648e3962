/**
 * A ready avatar that chats through the LOCAL STAND-IN model (tests/support/openai-stand-in.ts)
 * and hears through its transcriber: a museum guide answering in one sentence, no greeting of
 * its own. Used by the voice and widget specs; no paid service is called.
 */
import type { APIRequestContext } from '@playwright/test';
import type { StandIn } from '../../tests/support/openai-stand-in';
import { createReadyAvatar, expect } from '../fixtures';

/** Uploads the demo portrait, waits until it is ready, points it at `standIn`; its id. */
export async function createStandInAvatar(
  api: APIRequestContext,
  standIn: StandIn,
): Promise<string> {
  const avatar = await createReadyAvatar(api);
  const configured = await api.patch(`/api/v1/avatars/${avatar.id}`, {
    data: {
      conversation: {
        mode: 'chat',
        llm: { baseUrl: standIn.url, model: 'stand-in-chat' },
        persona: 'You are the guide of a small art museum. Answer in one sentence.',
        greeting: '',
      },
      transcription: {
        provider: 'openai',
        baseUrl: standIn.url,
        model: 'stand-in-whisper',
        language: 'en',
        endOfTurnSilenceMs: 600,
      },
    },
  });
  expect(configured.status(), await configured.text()).toBe(200);
  return avatar.id;
}
