import { describe, expect, it } from 'vitest';
import { spellAddresses, spellEmail, spellUrl, stripMarkup } from './web-text';

describe('spellUrl', () => {
  it.each([
    ['https://www.example.com/', 'w w w dot example dot com'],
    ['http://example.com/a/b', 'example dot com slash a slash b'],
    ['https://docs.my-site.io/guide?page=2#top', 'docs dot my dash site dot io slash guide'],
    ['example.co.uk', 'example dot co dot uk'],
    ['https://x.dev/some_file.txt', 'x dot dev slash some underscore file dot txt'],
  ])('%s → %s', (url, spoken) => {
    expect(spellUrl(url).replace(/\s+/g, ' ').trim()).toBe(spoken);
  });
});

describe('spellEmail', () => {
  it.each([
    ['jane.doe@example.org', 'jane dot doe at example dot org'],
    ['first_last+tag@mail.co', 'first underscore last plus tag at mail dot co'],
  ])('%s → %s', (email, spoken) => {
    expect(spellEmail(email).replace(/\s+/g, ' ').trim()).toBe(spoken);
  });
});

describe('spellAddresses', () => {
  it('keeps sentence punctuation after an address outside it', () => {
    expect(spellAddresses('See example.com.').replace(/\s+/g, ' ')).toBe('See example dot com .');
  });

  it('leaves dotted words that are not addresses', () => {
    expect(spellAddresses('Node.js and e.g. this')).toBe('Node.js and e.g. this');
  });
});

describe('stripMarkup', () => {
  it.each([
    ['<p>Hi</p>', 'Hi'],
    ['[docs](https://example.com)', 'docs'],
    ['![logo](a.png)', 'logo'],
    ['A &amp; B &lt;3', 'A & B <3'],
    ['&#65;BC', 'ABC'],
    ['hi 😀👍🏿 there', 'hi there'],
    ['flag 🇫🇷', 'flag'],
    ['1️⃣ ✨ ©', '1'],
    ['x < y and y > z', 'x < y and y > z'],
  ])('%j → %j', (text, stripped) => {
    expect(stripMarkup(text).replace(/\s+/g, ' ').trim()).toBe(stripped);
  });
});
