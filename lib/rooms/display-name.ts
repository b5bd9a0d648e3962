/** The longest display name a room shows, characters. */
export const DISPLAY_NAME_MAX_CHARS = 40;

/**
 * A display name as a room shows it: Unicode-normalised, without control, format (bidi
 * overrides, zero-width) or line-breaking characters, whitespace collapsed, at most
 * DISPLAY_NAME_MAX_CHARS characters (code points, so an emoji is never cut in half).
 * Returns '' when nothing printable is left. React escapes markup, so `<` and `&` stay.
 */
export function sanitizeDisplayName(raw: string): string {
  const cleaned = raw
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, DISPLAY_NAME_MAX_CHARS).join('').trim();
}
