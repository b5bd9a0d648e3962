import { describe, expect, it } from 'vitest';
import {
  cardinalWords,
  digitWords,
  fractionWords,
  integerWords,
  numberWords,
  ordinalWords,
  yearWords,
} from './number-words';

describe('integerWords', () => {
  it.each([
    ['0', 'zero'],
    ['7', 'seven'],
    ['13', 'thirteen'],
    ['20', 'twenty'],
    ['42', 'forty two'],
    ['100', 'one hundred'],
    ['101', 'one hundred one'],
    ['999', 'nine hundred ninety nine'],
    ['1000', 'one thousand'],
    ['1001', 'one thousand one'],
    ['1234', 'one thousand two hundred thirty four'],
    ['10000', 'ten thousand'],
    ['100000', 'one hundred thousand'],
    ['1000000', 'one million'],
    ['1000010', 'one million ten'],
    ['2500000000', 'two billion five hundred million'],
    [
      '999999999999999',
      'nine hundred ninety nine trillion nine hundred ninety nine billion nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety nine',
    ],
    ['007', 'zero zero seven'],
    [
      '1234567890123456',
      'one two three four five six seven eight nine zero one two three four five six',
    ],
  ])('%s → %s', (digits, words) => {
    expect(integerWords(digits)).toBe(words);
  });

  it('rejects anything but digits', () => {
    expect(() => integerWords('1,000')).toThrow(RangeError);
    expect(() => integerWords('')).toThrow(RangeError);
  });
});

describe('numberWords', () => {
  it.each([
    ['1,234.5', 'one thousand two hundred thirty four point five'],
    ['-5', 'minus five'],
    ['−12', 'minus twelve'],
    ['+3', 'plus three'],
    ['3.14', 'three point one four'],
    ['0.05', 'zero point zero five'],
    ['.5', 'point five'],
    ['12,000,000', 'twelve million'],
    ['1,000,000,000,000', 'one trillion'],
  ])('%s → %s', (text, words) => {
    expect(numberWords(text)).toBe(words);
  });

  it('rejects malformed numbers', () => {
    expect(() => numberWords('1,23')).toThrow(RangeError);
    expect(() => numberWords('-')).toThrow(RangeError);
  });
});

describe('ordinalWords', () => {
  it.each([
    ['1', 'first'],
    ['2', 'second'],
    ['3', 'third'],
    ['4', 'fourth'],
    ['5', 'fifth'],
    ['8', 'eighth'],
    ['9', 'ninth'],
    ['11', 'eleventh'],
    ['12', 'twelfth'],
    ['20', 'twentieth'],
    ['22', 'twenty second'],
    ['40', 'fortieth'],
    ['100', 'one hundredth'],
    ['103', 'one hundred third'],
    ['1000', 'one thousandth'],
    ['1001', 'one thousand first'],
  ])('%s → %s', (digits, words) => {
    expect(ordinalWords(digits)).toBe(words);
  });
});

describe('yearWords', () => {
  it.each([
    [1999, 'nineteen ninety nine'],
    [1905, 'nineteen oh five'],
    [1900, 'nineteen hundred'],
    [1100, 'eleven hundred'],
    [1066, 'ten sixty six'],
    [2000, 'two thousand'],
    [2005, 'two thousand five'],
    [2010, 'twenty ten'],
    [2026, 'twenty twenty six'],
    [2099, 'twenty ninety nine'],
    [800, 'eight hundred'],
  ])('%d → %s', (year, words) => {
    expect(yearWords(year)).toBe(words);
  });
});

describe('fractionWords', () => {
  it.each([
    [1, 2, 'one half'],
    [3, 2, 'three halves'],
    [1, 4, 'one quarter'],
    [3, 4, 'three quarters'],
    [1, 3, 'one third'],
    [2, 3, 'two thirds'],
    [5, 8, 'five eighths'],
    [1, 10, 'one tenth'],
    [7, 20, 'seven twentieths'],
    [1, 100, 'one one hundredth'],
    [4, 0, 'four over zero'],
  ])('%d/%d → %s', (numerator, denominator, words) => {
    expect(fractionWords(numerator, denominator)).toBe(words);
  });
});

describe('small helpers', () => {
  it('reads digits one by one and safe integers as cardinals', () => {
    expect(digitWords('4090')).toBe('four zero nine zero');
    expect(cardinalWords(15)).toBe('fifteen');
    expect(() => cardinalWords(-1)).toThrow(RangeError);
    expect(() => cardinalWords(1.5)).toThrow(RangeError);
  });
});
