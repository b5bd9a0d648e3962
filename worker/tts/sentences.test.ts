import { describe, expect, it } from 'vitest';
import { splitFirstClause, splitSentences } from './sentences';

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

describe('splitFirstClause', () => {
  it('cuts a long first piece at its first clause break', () => {
    expect(
      splitFirstClause('Measurement number one: the quick brown fox jumps over the lazy dog.'),
    ).toEqual(['Measurement number one:', 'the quick brown fox jumps over the lazy dog.']);
  });

  it('leaves short pieces, early or late breaks, and pieces without a break alone', () => {
    expect(splitFirstClause('Hello there, my name is Facecast.')).toEqual([
      'Hello there, my name is Facecast.',
    ]);
    expect(
      splitFirstClause('Oh, the quick brown fox jumps over the lazy dog again and again.'),
    ).toEqual(['Oh, the quick brown fox jumps over the lazy dog again and again.']);
    expect(
      splitFirstClause('The quick brown fox jumps over the lazy dog again and again, yes.'),
    ).toEqual(['The quick brown fox jumps over the lazy dog again and again, yes.']);
    expect(splitFirstClause('')).toEqual([]);
  });
});
