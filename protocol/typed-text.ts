/**
 * Text people type (chat lines, API messages) as the app stores and forwards it: without
 * control characters that a terminal, a log viewer or a caption renderer would act on, and
 * without bidi embeddings/overrides/isolates that make a line read differently from what it
 * says. Line feeds and tabs stay. Lengths are counted in code points, so an emoji counts as
 * one character whichever way the client encodes it.
 */

/**
 * C0 controls except tab (U+0009) and line feed (U+000A), DEL and C1 controls, bidi
 * embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

/** The text with unsafe control and bidi characters removed (nothing else changes). */
export function cleanTypedText(raw: string): string {
  return raw.replace(UNSAFE, '');
}

/** Length in Unicode code points (an emoji outside the BMP counts as 1, not 2). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
