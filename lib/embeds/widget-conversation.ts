import type { ConversationSettings } from '@/protocol/conversation';

/**
 * The conversation of a widget session: the avatar's own, with the embed's mode and greeting
 * (an empty greeting keeps the avatar's). Chat without a model stays echo, as for any session.
 */
export function widgetConversation(
  settings: ConversationSettings,
  embed: { mode: string; greeting: string } | null | undefined,
): ConversationSettings {
  if (!embed) return settings;
  return {
    ...settings,
    mode: embed.mode === 'chat' && settings.llm ? 'chat' : 'echo',
    greeting: embed.greeting.trim() === '' ? settings.greeting : embed.greeting,
  };
}
