import { describe, expect, it } from 'vitest';
import { SPEAK_MAX_CHARS } from '@/protocol/room-control';
import { speakBodySchema } from './speak';

describe('speak request body', () => {
  it('trims text and defaults interrupt to false', () => {
    expect(speakBodySchema.parse({ text: '  Hello there.  ' })).toEqual({
      text: 'Hello there.',
      interrupt: false,
    });
  });

  it('refuses empty, blank and over-long text, naming the limit', () => {
    expect(speakBodySchema.safeParse({ text: '' }).success).toBe(false);
    expect(speakBodySchema.safeParse({ text: '   ' }).success).toBe(false);
    expect(speakBodySchema.safeParse({}).success).toBe(false);
    const long = speakBodySchema.safeParse({ text: 'a'.repeat(10_000) });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toContain(`at most ${SPEAK_MAX_CHARS} characters`);
    expect(speakBodySchema.safeParse({ text: 'a'.repeat(SPEAK_MAX_CHARS) }).success).toBe(true);
  });
});
