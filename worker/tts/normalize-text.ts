/**
 * English text normalisation before speech synthesis. Flite reads digits, symbols and
 * abbreviations poorly ("$3.50", "Dr.", "example.com"), so they are written out as the words
 * a person would say. Sentence punctuation is kept, and no period is left that does not end a
 * sentence, so splitSentences still splits where a listener hears a sentence end.
 */
import { expandAbbreviations } from './abbreviations';
import { expandNumbers } from './number-expressions';
import { spellAddresses, stripMarkup } from './web-text';

/** Symbols read as words wherever they stand. */
const SYMBOL_WORDS: [RegExp, string][] = [
  [/\b([CF])#/g, '$1 sharp'],
  [/&/g, ' and '],
  [/@/g, ' at '],
  [/\+/g, ' plus '],
  [/=/g, ' equals '],
  [/×/g, ' times '],
  [/%/g, ' percent '],
  [/[°º]/g, ' degrees '],
  [/(?<=\s)<(?=\s)/g, ' less than '],
  [/(?<=\s)>(?=\s)/g, ' greater than '],
];

/** Characters Flite would spell out or that only mark up text; read as a word break. */
const MARKUP = /[*_~`^|{}[\]\\<>#/]/g;

function readSymbols(text: string): string {
  let out = text;
  for (const [pattern, words] of SYMBOL_WORDS) out = out.replace(pattern, words);
  return out.replace(MARKUP, ' ');
}

/** Final tidy-up: periods inside words, stray hyphens, and spacing around punctuation. */
function tidy(text: string): string {
  return (
    text
      .replace(/…/g, '...')
      // A period inside a word is not a sentence end: "Node.js", "report.pdf".
      .replace(/(?<=[^\s.])\.(?=[^\s.!?,;:"')\]])/g, ' dot ')
      // A hyphen left dangling by a rewritten number: "COVID-19" → "COVID- nineteen".
      .replace(/(?<=\w)-\s+/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/\s+([.,!?;:])/g, '$1')
      // "one,two" from "1,2": keep the pause, add the space.
      .replace(/,(?=[^\s\d])/g, ', ')
      // Brackets and quotes emptied by the passes above.
      .replace(/\(\s*\)|\[\s*\]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * Rewrites English text for a speech synthesiser: numbers, money, times, units, ordinals,
 * abbreviations, symbols, URLs and emails become words; emoji and markup are dropped;
 * whitespace is collapsed. "Dr. Smith paid $3.50." → "Doctor Smith paid three dollars and
 * fifty cents."
 */
export function normalizeText(text: string): string {
  let out = stripMarkup(text);
  out = spellAddresses(out);
  out = expandAbbreviations(out);
  out = expandNumbers(out);
  out = readSymbols(out);
  return tidy(out);
}
