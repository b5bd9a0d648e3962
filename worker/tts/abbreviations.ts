/**
 * Expands common English abbreviations so the synthesiser says the word and, just as
 * important, so their periods do not end a sentence in splitSentences. A period that was both
 * the abbreviation's and the sentence's ("… apples, pears, etc.") is kept.
 */
import { rewrite, sentenceEnd, type MatchContext } from './text-rewrite';

/** Titles before a name: never end a sentence, period optional ("Mr Smith"). */
const TITLES: Record<string, string> = {
  Mr: 'Mister',
  Mrs: 'Missus',
  Ms: 'Miz',
  Prof: 'Professor',
};

/** Abbreviations that may end a sentence; matched with their period. */
const WORDS: [RegExp, string][] = [
  [/\betc\./g, 'et cetera'],
  [/\bapprox\./gi, 'approximately'],
  [/\bJr\./g, 'Junior'],
  [/\bSr\./g, 'Senior'],
  [/\bInc\./g, 'Incorporated'],
  [/\bLtd\./g, 'Limited'],
  [/\bCorp\./g, 'Corporation'],
  [/\bAve\./g, 'Avenue'],
  [/\bDept\./g, 'Department'],
];

/** Abbreviations that never end a sentence. */
const INNER: [RegExp, string][] = [
  [/\be\.\s?g\.(?!\w)/gi, 'for example'],
  [/\bi\.\s?e\.(?!\w)/gi, 'that is'],
  [/\bvs\.?(?=\s)/gi, 'versus'],
  [/\bMt\.(?=\s+[A-Z])/g, 'Mount'],
  [/\bNo\.\s*(?=#?\d)/g, 'Number '],
  [/\bno\.\s*(?=#?\d)/g, 'number '],
  [/\bNos\.\s*(?=#?\d)/g, 'Numbers '],
];

/** A house number and one to three capitalised words before: "12 Elm" in "12 Elm St.". */
const ADDRESS_BEFORE = /\b\d+[a-zA-Z]?\s+(?:[A-Z][\w']*\.?\s+){1,3}$/;
/** A capitalised word that is not the first word of its sentence, just before. */
const NAME_BEFORE = /[^.!?\s]\s+[A-Z][\w']*\s+$/;
const CAPITAL_AFTER = /^\s+[A-Z]/;

/** "St." is Saint before a name ("St. Louis") and Street after one ("Baker St."). */
function expandSt({ before, after }: MatchContext): string {
  const street =
    ADDRESS_BEFORE.test(before) || NAME_BEFORE.test(before) || !CAPITAL_AFTER.test(after);
  return street ? `Street${sentenceEnd(after)}` : 'Saint';
}

/** "Dr." is Doctor ("Dr. Smith", "the dr. said") except in an address ("12 Elm Dr."). */
function expandDr({ before, after }: MatchContext): string {
  return ADDRESS_BEFORE.test(before) ? `Drive${sentenceEnd(after)}` : 'Doctor';
}

/** "U.S.A." → "U S A"; the last period stays if it ended the sentence. */
function expandInitialisms(text: string): string {
  return rewrite(text, /\b(?:[A-Za-z]\.){2,}(?![\w.])/g, (match, { before, after }) => {
    // a.m. and p.m. after a time are read with the time.
    if (/^[ap]\.m\.$/i.test(match[0]) && /\d\s?$/.test(before)) return match[0];
    const letters = match[0].split('.').filter((letter) => letter !== '');
    return letters.join(' ') + sentenceEnd(after);
  });
}

/** Expands the abbreviations this module knows; everything else is left alone. */
export function expandAbbreviations(text: string): string {
  let out = text;
  for (const [pattern, words] of INNER) out = out.replace(pattern, words);
  out = out.replace(
    /\b(Mrs|Mr|Ms|Prof)(?:\.|(?=\s+[A-Z]))/g,
    (_match, title: string) => TITLES[title] ?? title,
  );
  out = rewrite(out, /\b(?:Dr|DR|dr)\./g, (_match, context) => expandDr(context));
  out = rewrite(out, /\bSt\./g, (_match, context) => expandSt(context));
  for (const [pattern, words] of WORDS) {
    out = rewrite(out, pattern, (_match, { after }) => words + sentenceEnd(after));
  }
  // After e.g./i.e., which would otherwise read as the initialisms "e g" and "i e".
  return expandInitialisms(out);
}
