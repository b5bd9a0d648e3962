/**
 * Small helpers shared by the text normalisation passes.
 */

/** What a replacement sees around its match. */
export interface MatchContext {
  /** Text before the match. */
  before: string;
  /** Text after the match. */
  after: string;
}

/**
 * Like String.replace with a global regex, but the callback also gets the text before and
 * after the match, which the heuristics (sentence ends, street vs saint) need.
 */
export function rewrite(
  text: string,
  pattern: RegExp,
  replace: (match: RegExpExecArray, context: MatchContext) => string,
): string {
  if (!pattern.global) throw new Error('rewrite needs a global pattern');
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    out += text.slice(last, start);
    out += replace(match, { before: text.slice(0, start), after: text.slice(end) });
    last = end;
  }
  return out + text.slice(last);
}

/**
 * True when a period followed by `after` ends a sentence: at the end of the text, or before
 * whitespace and a capital letter (optionally behind an opening quote or bracket).
 */
export function periodEndsSentence(after: string): boolean {
  return /^(?:\s*$|\s+["'“‘([]?[A-Z])/.test(after);
}

/** The period an expanded abbreviation keeps when its own period also ended the sentence. */
export function sentenceEnd(after: string): string {
  return periodEndsSentence(after) ? '.' : '';
}
