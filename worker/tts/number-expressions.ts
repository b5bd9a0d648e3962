/**
 * Rewrites numbers in running text as words, most specific forms first: times, money,
 * percentages, temperatures, measurements, ordinals, fractions and ranges, then plain numbers
 * (years, cardinals, decimals). Each pass writes words, so later passes never see its digits.
 */
import {
  cardinalWords,
  digitWords,
  fractionWords,
  integerWords,
  numberWords,
  ordinalWords,
  yearWords,
} from './number-words';
import { rewrite, sentenceEnd } from './text-rewrite';

/** A written number: thousands commas or plain digits, optional decimals, or ".5". */
const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
/** A minus sign that belongs to the number (not a hyphen after a word or digit). */
const SIGN = String.raw`(?:(?<![\w.,])[-−])?`;
/** Nothing that would make the number longer. */
const NUM_END = String.raw`(?!\d|\.\d)`;

/** True when a written number is exactly one, for singular units ("1 km", "-1 °C"). */
function isOne(number: string): boolean {
  return /^[-−]?1$/.test(number);
}

const CURRENCIES: Record<string, { one: string; many: string; cent?: [string, string] }> = {
  $: { one: 'dollar', many: 'dollars', cent: ['cent', 'cents'] },
  '€': { one: 'euro', many: 'euros', cent: ['cent', 'cents'] },
  '£': { one: 'pound', many: 'pounds', cent: ['penny', 'pence'] },
  '¥': { one: 'yen', many: 'yen' },
};
const SCALE_WORDS: Record<string, string> = {
  k: 'thousand',
  m: 'million',
  mn: 'million',
  b: 'billion',
  bn: 'billion',
};

/** "$3.50" → "three dollars and fifty cents"; "$2.5bn" → "two point five billion dollars". */
function money(text: string): string {
  const pattern = new RegExp(
    String.raw`(${SIGN})([$€£¥])\s?(${NUM})${NUM_END}(?:\s?(thousand|million|billion|trillion|k|mn?|bn?)(?![\w]))?`,
    'gi',
  );
  return text.replace(
    pattern,
    (_match, sign: string, symbol: string, amount: string, scale?: string) => {
      const currency = CURRENCIES[symbol] ?? { one: symbol, many: symbol };
      const minus = sign === '' ? '' : 'minus ';
      if (scale !== undefined) {
        const scaleWord = SCALE_WORDS[scale.toLowerCase()] ?? scale.toLowerCase();
        return `${minus}${numberWords(amount)} ${scaleWord} ${currency.many}`;
      }
      const [whole = '', decimals = ''] = amount.replace(/,/g, '').split('.');
      if (decimals.length > 2 || currency.cent === undefined) {
        return `${minus}${numberWords(amount)} ${isOne(amount) ? currency.one : currency.many}`;
      }
      const units = whole === '' ? 0 : Number(whole);
      const cents = decimals === '' ? 0 : Number(decimals.padEnd(2, '0'));
      const parts: string[] = [];
      if (units > 0 || cents === 0) {
        parts.push(`${integerWords(whole || '0')} ${units === 1 ? currency.one : currency.many}`);
      }
      if (cents > 0) {
        parts.push(`${cardinalWords(cents)} ${cents === 1 ? currency.cent[0] : currency.cent[1]}`);
      }
      return minus + parts.join(' and ');
    },
  );
}

/** "3:30 pm" → "three thirty p m", "9:05" → "nine oh five", "7 a.m." → "seven a m". */
function times(text: string): string {
  const clock = /\b([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?(?:\s?([ap])\.?m\b(\.)?)?(?![\d:])/gi;
  const hourOnly = /\b(1[0-2]|0?[1-9])\s?([ap])\.?m\b(\.)?/gi;
  const meridiem = (letter: string | undefined, dot: string | undefined, after: string) =>
    letter === undefined ? '' : ` ${letter.toLowerCase()} m${dot ? sentenceEnd(after) : ''}`;
  const withClock = rewrite(text, clock, (match, { after }) => {
    const [, hour = '0', minute = '00', second, letter, dot] = match;
    const hourWords = cardinalWords(Number(hour));
    const minutes = Number(minute);
    let spoken: string;
    if (minutes === 0 && second === undefined) {
      if (letter !== undefined) spoken = hourWords;
      else spoken = Number(hour) <= 12 ? `${hourWords} o'clock` : `${hourWords} hundred`;
    } else {
      spoken = `${hourWords} ${minutes < 10 ? 'oh ' : ''}${cardinalWords(minutes)}`;
    }
    if (second !== undefined) spoken += ` and ${cardinalWords(Number(second))} seconds`;
    return spoken + meridiem(letter, dot, after);
  });
  return rewrite(withClock, hourOnly, (match, { after }) => {
    const [, hour = '0', letter, dot] = match;
    return cardinalWords(Number(hour)) + meridiem(letter, dot, after);
  });
}

/** Units read after a number: [written form, singular, plural]; longest forms first. */
const UNITS: [string, string, string][] = [
  ['km/h', 'kilometer per hour', 'kilometers per hour'],
  ['m/s', 'meter per second', 'meters per second'],
  ['mph', 'mile per hour', 'miles per hour'],
  ['km', 'kilometer', 'kilometers'],
  ['cm', 'centimeter', 'centimeters'],
  ['mm', 'millimeter', 'millimeters'],
  ['mi', 'mile', 'miles'],
  ['ft', 'foot', 'feet'],
  ['kg', 'kilogram', 'kilograms'],
  ['mg', 'milligram', 'milligrams'],
  ['g', 'gram', 'grams'],
  ['lbs', 'pound', 'pounds'],
  ['lb', 'pound', 'pounds'],
  ['oz', 'ounce', 'ounces'],
  ['ml', 'milliliter', 'milliliters'],
  ['kHz', 'kilohertz', 'kilohertz'],
  ['MHz', 'megahertz', 'megahertz'],
  ['GHz', 'gigahertz', 'gigahertz'],
  ['Hz', 'hertz', 'hertz'],
  ['KB', 'kilobyte', 'kilobytes'],
  ['MB', 'megabyte', 'megabytes'],
  ['GB', 'gigabyte', 'gigabytes'],
  ['TB', 'terabyte', 'terabytes'],
  ['ms', 'millisecond', 'milliseconds'],
  ['sec', 'second', 'seconds'],
  ['min', 'minute', 'minutes'],
  ['hrs', 'hour', 'hours'],
  ['hr', 'hour', 'hours'],
  ['m', 'meter', 'meters'],
];
const UNIT_WORDS = new Map(UNITS.map(([unit, one, many]) => [unit, [one, many] as const]));

/** Percentages, temperatures and measured quantities: "50%", "-5 °C", "1 km", "30 km/h". */
function quantities(text: string): string {
  const percent = new RegExp(String.raw`(${SIGN}${NUM})${NUM_END}\s?%`, 'g');
  const degrees = new RegExp(
    String.raw`(${SIGN}${NUM})${NUM_END}\s?[°º](?:\s?([CF])(?![a-zA-Z]))?`,
    'g',
  );
  const unitAlternatives = UNITS.map(([unit]) => unit.replace('/', '\\/')).join('|');
  const measure = new RegExp(
    String.raw`(${SIGN}${NUM})${NUM_END}\s?(${unitAlternatives})(?![\w/])`,
    'g',
  );
  return text
    .replace(percent, (_match, number: string) => `${numberWords(number)} percent`)
    .replace(degrees, (_match, number: string, scale?: string) => {
      const unit = isOne(number) ? 'degree' : 'degrees';
      const name = scale === undefined ? '' : scale === 'C' ? ' Celsius' : ' Fahrenheit';
      return `${numberWords(number)} ${unit}${name}`;
    })
    .replace(measure, (_match, number: string, unit: string) => {
      const [one, many] = UNIT_WORDS.get(unit) ?? [unit, unit];
      return `${numberWords(number)} ${isOne(number) ? one : many}`;
    });
}

const VULGAR: Record<string, string> = {
  '½': 'one half',
  '¼': 'one quarter',
  '¾': 'three quarters',
};

/** "1/2" → "one half", "2 1/2" → "two and one half", "24/7" → "twenty four seven". */
function fractions(text: string): string {
  const slash = /(?<![\w/.,])(\d{1,3})\/(\d{1,3})(?![\w/]|[.,]\d)/g;
  const withSlash = rewrite(text, slash, (match, { before }) => {
    const numerator = Number(match[1]);
    const denominator = Number(match[2]);
    const and = /\d\s$/.test(before) ? 'and ' : '';
    if (numerator < denominator || denominator <= 4) {
      return and + fractionWords(numerator, denominator);
    }
    if (numerator === denominator)
      return `${cardinalWords(numerator)} out of ${cardinalWords(denominator)}`;
    // Not a fraction people say ("24/7", "50/50"): read both numbers.
    return `${cardinalWords(numerator)} ${cardinalWords(denominator)}`;
  });
  return withSlash.replace(/(\d?)\s?([½¼¾])/g, (_match, whole: string, glyph: string) => {
    const words = VULGAR[glyph] ?? '';
    return whole === '' ? ` ${words}` : `${whole} and ${words}`;
  });
}

/** Phone numbers digit by digit, in their groups: "555-1234", "(212) 555-1234". */
function phoneNumbers(text: string): string {
  const pattern = /(?<![\w.,-])(?:\(?\d{3}\)?[\s.-]?)?\d{3}-\d{4}(?![\w-])/g;
  return text.replace(pattern, (phone) =>
    (phone.match(/\d+/g) ?? []).map((group) => digitWords(group)).join(', '),
  );
}

/** "5-10" / "5–10" → "5 to 10"; "1999-2005", "3:30-4:30", "$5-$10" too, not "2020-01-15". */
function ranges(text: string): string {
  const money = new RegExp(String.raw`([$€£¥]${NUM})\s?[-–—]\s?(?=[$€£¥]\d)`, 'g');
  text = text.replace(money, '$1 to ');
  const side = String.raw`(?:\d{1,2}:\d{2}|${NUM})`;
  const pattern = new RegExp(
    String.raw`(?<![\w.,:/–-])(${side})(?:-|\s?[–—]\s?)([$€£¥]?${side})(?![\d:–-]|[.,]\d)`,
    'g',
  );
  return text.replace(pattern, '$1 to $2');
}

/** "the 1990s" → "the nineteen nineties", "the 80s" → "the eighties". */
function decades(text: string): string {
  return text.replace(/(?<![\w.,])'?(\d{1,3}0)'?s\b/g, (_match, digits: string) => {
    const words = digits.length === 4 ? yearWords(Number(digits)) : integerWords(digits);
    return ` ${words.endsWith('y') ? `${words.slice(0, -1)}ies` : `${words}s`} `;
  });
}

/** "1st", "22nd", "103rd", "4th", "1,000th". */
function ordinals(text: string): string {
  return text.replace(
    /\b(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b/gi,
    (_match, digits: string) => ` ${ordinalWords(digits.replace(/,/g, ''))} `,
  );
}

/** "1.2.3" → "one point two point three" (versions, addresses). */
function dottedNumbers(text: string): string {
  return text.replace(/(?<![\d.])\d+(?:\.\d+){2,}(?![\d]|\.\d)/g, (match) =>
    match
      .split('.')
      .map((part) => integerWords(part))
      .join(' point '),
  );
}

/** Plain numbers: 4-digit 1100–2099 as years, the rest as cardinals with decimals. */
function plainNumbers(text: string): string {
  const pattern = new RegExp(String.raw`(?<!\d|\d\.)${SIGN}${NUM}${NUM_END}`, 'g');
  return text.replace(pattern, (number) => {
    if (/^\d{4}$/.test(number)) {
      const value = Number(number);
      if (value >= 1100 && value <= 2099) return ` ${yearWords(value)} `;
    }
    return ` ${numberWords(number)} `;
  });
}

/** Writes every number in the text as words. */
export function expandNumbers(text: string): string {
  let out = text.replace(/(?<=\d\s?)[-−](?=\s\d)/g, ' minus ');
  out = out.replace(/~\s?(?=[-−]?[$€£¥]?\.?\d)/g, ' about ');
  out = phoneNumbers(out);
  out = ranges(out);
  out = times(out);
  out = money(out);
  out = quantities(out);
  out = decades(out);
  out = ordinals(out);
  out = fractions(out);
  out = out.replace(/#\s?(?=\d)/g, ' number ');
  out = dottedNumbers(out);
  // What is left between digits is a date or a code: "12/25/2020".
  out = out.replace(/(?<=\d)\/(?=\d)/g, ' slash ');
  return plainNumbers(out);
}
