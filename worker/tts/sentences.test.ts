import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences';

describe('splitSentences', () => {
  it('splits on sentence ends and keeps the punctuation', () => {
    expect(splitSentences('Hello there! How are you?  Fine.')).toEqual([
      'Hello there!',
      'How are you?',
      'Fine.',
    ]);
  });

  it('keeps a trailing piece without punctuation', () => {
    expect(splitSentences('One. two')).toEqual(['One.', 'two']);
  });

  it('breaks over-long sentences at commas or spaces', () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const pieces = splitSentences(long, 100);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(100);
    expect(pieces.join(' ')).toBe(long);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences(' \n\t ')).toEqual([]);
  });
});
