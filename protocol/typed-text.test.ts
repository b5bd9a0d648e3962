import { describe, expect, it } from 'vitest';
import { cleanTypedText, codePointLength } from './typed-text';

describe('cleanTypedText', () => {
  it('removes C0 and C1 controls but keeps line feeds and tabs', () => {
    expect(cleanTypedText('a\u0000b\u0007c\u001bd\re\u007ff\u0085g\u009fh')).toBe('abcdefgh');
    expect(cleanTypedText('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('removes bidi embeddings, overrides and isolates', () => {
    expect(cleanTypedText('\u202Eevil\u202C \u2066x\u2069 \u202Ay\u202Bz')).toBe('evil x yz');
  });

  it('leaves ordinary text, emoji and right-to-left scripts alone', () => {
    const text = 'Hello 👋🏽 שלום مرحبا <b>&amp;</b>';
    expect(cleanTypedText(text)).toBe(text);
  });
});

describe('codePointLength', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀'.repeat(10))).toBe(10);
    expect('😀'.repeat(10)).toHaveLength(20);
  });
});
