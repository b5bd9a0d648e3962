/**
 * Splits text into sentence-sized pieces so speech can start after the first one is
 * synthesised instead of after the whole text.
 */

/** Longest piece handed to the synthesiser at once, in characters. */
export const MAX_PIECE_CHARS = 200;

export function splitSentences(text: string, maxChars = MAX_PIECE_CHARS): string[] {
  const normalised = text.replace(/\s+/g, ' ').trim();
  if (normalised === '') return [];
  // A sentence ends at . ! ? (or a run of them, optionally closed by a quote or bracket)
  // followed by whitespace; abbreviations split too, which costs only a short pause.
  const sentences = normalised.match(/[^.!?]+(?:[.!?]+["')\]]*|$)/g) ?? [normalised];
  const pieces: string[] = [];
  for (const raw of sentences) {
    const sentence = raw.trim();
    if (sentence === '') continue;
    pieces.push(...splitLong(sentence, maxChars));
  }
  return pieces;
}

/**
 * Breaks an over-long sentence at the last clause mark followed by a space (by default only a
 * comma), else the last space, before the limit.
 */
export function splitLong(sentence: string, maxChars: number, clauseMarks = ','): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    let cut = Math.max(...Array.from(clauseMarks, (mark) => window.lastIndexOf(`${mark} `)));
    if (cut < maxChars / 3) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = maxChars;
    out.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1).trim();
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** A first piece longer than this is cut at its first clause break, in characters. */
export const FIRST_CLAUSE_MAX_CHARS = 48;

/**
 * The piece as [first clause, rest] when it is long and a clause break (comma, colon,
 * semicolon, dash) comes after a dozen characters and leaves a real rest; else [piece].
 * Speech starts after the short first clause is synthesised instead of the whole sentence.
 */
export function splitFirstClause(piece: string): string[] {
  if (piece.length <= FIRST_CLAUSE_MAX_CHARS) return piece === '' ? [] : [piece];
  const match = /[,;:\u2013\u2014]\s/.exec(piece.slice(12, piece.length - 12));
  if (!match) return [piece];
  const cut = 12 + match.index + 1;
  return [piece.slice(0, cut).trim(), piece.slice(cut).trim()];
}
