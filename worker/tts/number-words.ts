/**
 * English words for numbers, in the forms a speech synthesiser reads naturally: no "and",
 * no hyphens ("one hundred twenty three"), so Flite neither spells nor pauses.
 */

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];

/** Longer integers (beyond the trillions) are read digit by digit. */
export const MAX_CARDINAL_DIGITS = SCALES.length * 3;

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

function word(list: readonly string[], index: number): string {
  const found = list[index];
  if (found === undefined) throw new RangeError(`no word for ${index}`);
  return found;
}

/** Words for 0 < n < 1000. */
function belowThousand(n: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(word(ONES, hundreds), 'hundred');
  if (rest >= 20) {
    words.push(word(TENS, Math.floor(rest / 10)));
    if (rest % 10 > 0) words.push(word(ONES, rest % 10));
  } else if (rest > 0) {
    words.push(word(ONES, rest));
  }
  return words;
}

/** "407" → "four zero seven". */
export function digitWords(digits: string): string {
  return [...digits].map((d) => word(ONES, Number(d))).join(' ');
}

/**
 * Words for a string of decimal digits: "1234" → "one thousand two hundred thirty four".
 * Strings with a leading zero ("007") or more than MAX_CARDINAL_DIGITS digits are read digit
 * by digit, as people read codes and long identifiers.
 */
export function integerWords(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new RangeError(`not a digit string: ${digits}`);
  if (digits === '0') return 'zero';
  if (digits.startsWith('0') || digits.length > MAX_CARDINAL_DIGITS) return digitWords(digits);
  const words: string[] = [];
  const groups = Math.ceil(digits.length / 3);
  const padded = digits.padStart(groups * 3, '0');
  for (let g = 0; g < groups; g++) {
    const value = Number(padded.slice(g * 3, g * 3 + 3));
    if (value === 0) continue;
    words.push(...belowThousand(value));
    const scale = word(SCALES, groups - 1 - g);
    if (scale !== '') words.push(scale);
  }
  return words.join(' ');
}

/** Words for a non-negative safe integer. */
export function cardinalWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  return integerWords(String(n));
}

/**
 * Words for a written number: optional sign, optional thousands commas, optional decimals.
 * "-1,234.5" → "minus one thousand two hundred thirty four point five"; ".5" → "point five".
 */
export function numberWords(text: string): string {
  const match = /^([-−+]?)((?:\d{1,3}(?:,\d{3})+)|\d*)(?:\.(\d+))?$/.exec(text);
  const [, sign = '', whole = '', fraction] = match ?? [];
  if (!match || (whole === '' && fraction === undefined)) {
    throw new RangeError(`not a number: ${text}`);
  }
  const words: string[] = [];
  if (sign === '-' || sign === '−') words.push('minus');
  if (sign === '+') words.push('plus');
  if (whole !== '') words.push(integerWords(whole.replace(/,/g, '')));
  if (fraction !== undefined) words.push('point', digitWords(fraction));
  return words.join(' ');
}

/** Turns the last word of a cardinal into its ordinal: "twenty two" → "twenty second". */
function ordinalOf(cardinal: string): string {
  const words = cardinal.split(' ');
  const last = words.pop() ?? '';
  const irregular = IRREGULAR_ORDINALS[last];
  const ordinal = irregular ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, ordinal].join(' ');
}

/** "103" → "one hundred third". */
export function ordinalWords(digits: string): string {
  return ordinalOf(integerWords(digits.replace(/^0+(?=\d)/, '')));
}

/**
 * A year the way it is spoken: 1999 → "nineteen ninety nine", 1905 → "nineteen oh five",
 * 1900 → "nineteen hundred", 2005 → "two thousand five", 2026 → "twenty twenty six".
 */
export function yearWords(year: number): string {
  if (!Number.isSafeInteger(year) || year < 0) throw new RangeError(`not a year: ${year}`);
  if (year < 1000 || year >= 10_000) return cardinalWords(year);
  if (year % 1000 < 10 && Math.floor(year / 1000) === 2) return cardinalWords(year);
  const high = Math.floor(year / 100);
  const low = year % 100;
  if (low === 0) return high % 10 === 0 ? cardinalWords(year) : `${cardinalWords(high)} hundred`;
  if (low < 10) return `${cardinalWords(high)} oh ${cardinalWords(low)}`;
  return `${cardinalWords(high)} ${cardinalWords(low)}`;
}

/**
 * A simple fraction: 1/2 → "one half", 3/4 → "three quarters", 2/3 → "two thirds".
 * Zero denominators read as "numerator over zero".
 */
export function fractionWords(numerator: number, denominator: number): string {
  const top = cardinalWords(numerator);
  if (denominator === 0) return `${top} over zero`;
  if (denominator === 1) return `${top} over one`;
  const plural = numerator !== 1;
  let bottom: string;
  if (denominator === 2) bottom = plural ? 'halves' : 'half';
  else if (denominator === 4) bottom = plural ? 'quarters' : 'quarter';
  else bottom = ordinalOf(cardinalWords(denominator)) + (plural ? 's' : '');
  return `${top} ${bottom}`;
}
