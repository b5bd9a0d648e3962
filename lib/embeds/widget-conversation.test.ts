import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVERSATION, type ConversationSettings } from '@/protocol/conversation';
import { widgetConversation } from './widget-conversation';

const llm = { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' };
/** The avatar's own settings: chat with a model, its own greeting. */
const avatarChat: ConversationSettings = {
  ...DEFAULT_CONVERSATION,
  mode: 'chat',
  llm,
  persona: 'A museum guide.',
  greeting: 'Welcome to the museum.',
};

describe('widgetConversation', () => {
  it("is the avatar's own conversation when the session is not a widget's", () => {
    expect(widgetConversation(avatarChat, null)).toBe(avatarChat);
    expect(widgetConversation(avatarChat, undefined)).toBe(avatarChat);
  });

  it("greets with the embed's greeting, or the avatar's when the embed's is blank", () => {
    expect(widgetConversation(avatarChat, { mode: 'chat', greeting: 'Hi, shopper!' })).toEqual({
      ...avatarChat,
      greeting: 'Hi, shopper!',
    });
    expect(widgetConversation(avatarChat, { mode: 'chat', greeting: '  \n' }).greeting).toBe(
      'Welcome to the museum.',
    );
  });

  it("talks in the embed's mode: echo overrides an avatar's chat, keeping the rest", () => {
    const echo = widgetConversation(avatarChat, { mode: 'echo', greeting: '' });
    expect(echo).toEqual({ ...avatarChat, mode: 'echo' });
  });

  it('chats only when the avatar has a language model; without one it stays echo', () => {
    const avatarEcho = { ...DEFAULT_CONVERSATION, greeting: 'Hello.' };
    expect(widgetConversation(avatarEcho, { mode: 'chat', greeting: '' }).mode).toBe('echo');
    expect(
      widgetConversation({ ...avatarEcho, llm }, { mode: 'chat', greeting: '' }),
    ).toMatchObject({ mode: 'chat', llm, greeting: 'Hello.' });
  });
});
