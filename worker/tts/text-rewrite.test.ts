import { describe, expect, it } from 'vitest';
import { periodEndsSentence, rewrite } from './text-rewrite';

describe('rewrite', () => {
  it('gives each replacement the text around its match', () => {
    const seen: string[] = [];
    const out = rewrite('a1b2c', /\d/g, (match, { before, after }) => {
      seen.push(`${before}|${after}`);
      return `<${match[0]}>`;
    });
    expect(out).toBe('a<1>b<2>c');
    expect(seen).toEqual(['a|b2c', 'a1b|c']);
  });

  it('refuses a non-global pattern', () => {
    expect(() => rewrite('a', /a/, () => '')).toThrow();
  });
});

describe('periodEndsSentence', () => {
  it.each([
    ['', true],
    ['  ', true],
    [' Then', true],
    [' "Then', true],
    [' then', false],
    [', then', false],
    ['com', false],
  ])('%j → %s', (after, ends) => {
    expect(periodEndsSentence(after)).toBe(ends);
  });
});
