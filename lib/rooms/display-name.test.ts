import { describe, expect, it } from 'vitest';
import { DISPLAY_NAME_MAX_CHARS, sanitizeDisplayName } from './display-name';

describe('display names', () => {
  it('drops control, bidi-override and zero-width characters and collapses whitespace', () => {
    expect(sanitizeDisplayName('  Ann\u202e\u0007 \n\t Lee\u200b ')).toBe('Ann Lee');
    expect(sanitizeDisplayName('\u0000\u202e \u2028')).toBe('');
  });

  it('normalises look-alike forms and keeps markup as text (React escapes it)', () => {
    expect(sanitizeDisplayName('Ｆｕｌｌ')).toBe('Full');
    expect(sanitizeDisplayName('<b>Bo</b> & co')).toBe('<b>Bo</b> & co');
  });

  it(`cuts at ${DISPLAY_NAME_MAX_CHARS} characters without splitting an emoji`, () => {
    const name = sanitizeDisplayName(`${'a'.repeat(39)}😀😀`);
    expect(Array.from(name)).toHaveLength(DISPLAY_NAME_MAX_CHARS);
    expect(name.endsWith('😀')).toBe(true);
  });
});
