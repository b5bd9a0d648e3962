import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize-text';
import { splitSentences } from './sentences';

const table = (cases: [string, string][]) =>
  it.each(cases)('%s → %s', (text, spoken) => {
    expect(normalizeText(text)).toBe(spoken);
  });

describe('normalizeText', () => {
  describe('cardinal numbers', () => {
    table([
      ['1,234.5', 'one thousand two hundred thirty four point five'],
      ['It is 42.', 'It is forty two.'],
      ['The temperature fell to -7 overnight.', 'The temperature fell to minus seven overnight.'],
      ['Pi is 3.14159', 'Pi is three point one four one five nine'],
      ['About 0.5 of it', 'About zero point five of it'],
      ['We sold 12,000,000 copies', 'We sold twelve million copies'],
      ['A debt of 3,000,000,000,000', 'A debt of three trillion'],
      ['Code 007', 'Code zero zero seven'],
      [
        'ID 12345678901234567',
        'ID one two three four five six seven eight nine zero one two three four five six seven',
      ],
      ['Count 1,2,3', 'Count one, two, three'],
      ['5 - 3 = 2', 'five minus three equals two'],
      ['The mp3 file', 'The mp three file'],
      ['Version 1.2.3', 'Version one point two point three'],
      ['I have 500 apples and 3000 pears', 'I have five hundred apples and three thousand pears'],
    ]);
  });

  describe('ordinals', () => {
    table([
      ['the 1st day', 'the first day'],
      ['his 22nd birthday', 'his twenty second birthday'],
      ['the 103rd time', 'the one hundred third time'],
      ['on the 4th', 'on the fourth'],
      ['the 11th and 12th', 'the eleventh and twelfth'],
      ['our 1,000th customer', 'our one thousandth customer'],
    ]);
  });

  describe('years', () => {
    table([
      ['in 1999', 'in nineteen ninety nine'],
      ['2005', 'two thousand five'],
      ['2026', 'twenty twenty six'],
      ['Since 1905 we have', 'Since nineteen oh five we have'],
      ['the 1900s', 'the nineteen hundreds'],
      ['from 1999-2005', 'from nineteen ninety nine to two thousand five'],
      ['In 1066, the Normans came', 'In one thousand sixty six, the Normans came'],
      ['the 1990s and the 80s', 'the nineteen nineties and the eighties'],
      ['It weighs 1500 kg', 'It weighs one thousand five hundred kilograms'],
      ['3099 is no year', 'three thousand ninety nine is no year'],
    ]);
  });

  describe('money', () => {
    table([
      ['$5', 'five dollars'],
      ['$1', 'one dollar'],
      ['$3.50', 'three dollars and fifty cents'],
      ['$3.5', 'three dollars and fifty cents'],
      ['$0.99', 'ninety nine cents'],
      ['$1.01', 'one dollar and one cent'],
      ['$1,250,000', 'one million two hundred fifty thousand dollars'],
      ['$2.5 million', 'two point five million dollars'],
      ['$3bn', 'three billion dollars'],
      ['€20', 'twenty euros'],
      ['€3.50', 'three euros and fifty cents'],
      ['£1', 'one pound'],
      ['£2.01', 'two pounds and one penny'],
      ['£0.50', 'fifty pence'],
      ['-$5', 'minus five dollars'],
      ['$5-10', 'five dollars to ten'],
    ]);
  });

  describe('percentages, times and temperatures', () => {
    table([
      ['50%', 'fifty percent'],
      ['2.5 %', 'two point five percent'],
      ['10-20% off', 'ten to twenty percent off'],
      ['3:30 pm', 'three thirty p m'],
      ['at 9:05', 'at nine oh five'],
      ['at 10:00 a.m. sharp', 'at ten a m sharp'],
      ['See you at 7 AM', 'See you at seven a m'],
      ['It ends at 5 p.m. Then we eat.', 'It ends at five p m. Then we eat.'],
      ['at 12:00', "at twelve o'clock"],
      ['at 18:00', 'at eighteen hundred'],
      ['open 9:30-17:45', 'open nine thirty to seventeen forty five'],
      ['a lap of 1:02:03', 'a lap of one oh two and three seconds'],
      ['20°C', 'twenty degrees Celsius'],
      ['-5 °F', 'minus five degrees Fahrenheit'],
      ['1°C', 'one degree Celsius'],
      ['a 90° angle', 'a ninety degrees angle'],
    ]);
  });

  describe('fractions and ranges', () => {
    table([
      ['1/2', 'one half'],
      ['3/4 of them', 'three quarters of them'],
      ['2/3', 'two thirds'],
      ['1/3 cup', 'one third cup'],
      ['2 1/2 hours', 'two and one half hours'],
      ['1½ cups', 'one and one half cups'],
      ['open 24/7', 'open twenty four seven'],
      ['on 12/25/2020', 'on twelve slash twenty five slash twenty twenty'],
      ['5-10', 'five to ten'],
      ['I scored 10/10', 'I scored ten out of ten'],
      ['$10 - $20', 'ten dollars to twenty dollars'],
      ['Call 555-1234', 'Call five five five, one two three four'],
      ['Call (212) 555-1234.', 'Call two one two, five five five, one two three four.'],
      ['pages 10–20', 'pages ten to twenty'],
    ]);
  });

  describe('units', () => {
    table([
      ['5 km', 'five kilometers'],
      ['1 km', 'one kilometer'],
      ['10kg', 'ten kilograms'],
      ['3 cm and 4 mm', 'three centimeters and four millimeters'],
      ['2 m tall', 'two meters tall'],
      ['60 km/h', 'sixty kilometers per hour'],
      ['30 mph', 'thirty miles per hour'],
      ['5-10 km', 'five to ten kilometers'],
      ['16 GB of memory', 'sixteen gigabytes of memory'],
      ['wait 10 min', 'wait ten minutes'],
      ['200 ms', 'two hundred milliseconds'],
      ['1.5 m', 'one point five meters'],
    ]);
  });

  describe('abbreviations', () => {
    table([
      ['Mr. Jones and Mrs. Lee met Ms. Fox', 'Mister Jones and Missus Lee met Miz Fox'],
      ['Mr Bean', 'Mister Bean'],
      ['Dr. Smith is in', 'Doctor Smith is in'],
      ['I saw the dr. today', 'I saw the Doctor today'],
      ['She lives at 12 Elm Dr.', 'She lives at twelve Elm Drive.'],
      ['We visited St. Louis', 'We visited Saint Louis'],
      ['St. Patrick’s Day', 'Saint Patrick’s Day'],
      ['It is on Baker St. Near the park.', 'It is on Baker Street. Near the park.'],
      ['Go to 221 Baker St. now', 'Go to two hundred twenty one Baker Street now'],
      ['Cats vs. dogs', 'Cats versus dogs'],
      ['fruit, e.g. apples', 'fruit, for example apples'],
      ['the boss, i.e. me', 'the boss, that is me'],
      ['pens, paper, etc. are here', 'pens, paper, et cetera are here'],
      ['pens, paper, etc.', 'pens, paper, et cetera.'],
      ['approx. 5 km', 'approximately five kilometers'],
      ['No. 5', 'Number five'],
      ['No. I refuse.', 'No. I refuse.'],
      ['the U.S. government', 'the U S government'],
      ['John Smith Jr. arrived', 'John Smith Junior arrived'],
      ['Mt. Everest is high.', 'Mount Everest is high.'],
    ]);
  });

  describe('symbols, addresses and markup', () => {
    table([
      ['salt & pepper', 'salt and pepper'],
      ['meet @ noon', 'meet at noon'],
      ['2 + 2 = 4', 'two plus two equals four'],
      ['C++ and C#', 'C plus plus and C sharp'],
      ['#1 fan', 'number one fan'],
      ['We are #winning', 'We are winning'],
      ['example.com', 'example dot com'],
      ['Go to https://www.example.com/docs/.', 'Go to w w w dot example dot com slash docs.'],
      ['See http://my-site.org/a?b=1#c', 'See my dash site dot org slash a'],
      ['Write to jane.doe@example.org!', 'Write to jane dot doe at example dot org!'],
      ['Read the README.md file', 'Read the README dot md file'],
      ['Hello 👋🏽 world 🇺🇸!', 'Hello world!'],
      ['I ❤️ it', 'I it'],
      ['**bold** and _italic_ and `code`', 'bold and italic and code'],
      ['<p>Hi <b>there</b></p>', 'Hi there'],
      ['Click [here](https://example.com) now', 'Click here now'],
      ['Tom &amp; Jerry', 'Tom and Jerry'],
      ['x > 5', 'x greater than five'],
      ['~5 people', 'about five people'],
      ['  lots \n of\t space  ', 'lots of space'],
      ['COVID-19 is over', 'COVID nineteen is over'],
      ['well-known words stay', 'well-known words stay'],
      ['Wait... what?', 'Wait... what?'],
    ]);
  });

  it('leaves plain prose unchanged', () => {
    const prose = 'Hello there! How are you today? I am fine, thanks.';
    expect(normalizeText(prose)).toBe(prose);
  });

  it('keeps sentence ends, and abbreviations do not end sentences', () => {
    expect(splitSentences(normalizeText('Dr. Smith paid $3.50. Then he left.'))).toEqual([
      'Doctor Smith paid three dollars and fifty cents.',
      'Then he left.',
    ]);
    expect(
      splitSentences(
        normalizeText('Mr. and Mrs. Lee, e.g. the parents, met St. John at 3:30 p.m. vs. 4 p.m.'),
      ),
    ).toHaveLength(1);
    expect(
      splitSentences(normalizeText('Pi is 3.14. Visit example.com. It is approx. 5.5 km away!')),
    ).toEqual([
      'Pi is three point one four.',
      'Visit example dot com.',
      'It is approximately five point five kilometers away!',
    ]);
  });

  it('leaves no digits and no symbols Flite would spell out', () => {
    const messy =
      'On 12/25/2020 at 3:30 pm, Dr. Who paid $1,234.56 (50% off!) for 2 1/2 kg @ shop #3 & got 1st prize; ' +
      'email a.b@c.io or see https://x.dev/y. Temp: -5°C, speed 60 km/h, 1999-2005 & 24/7 ✨ *wow* <i>ok</i>.';
    const spoken = normalizeText(messy);
    expect(spoken).not.toMatch(/[0-9$%&@#*<>_/°✨]/);
    // Only sentence-ending periods are left.
    expect(spoken).not.toMatch(/\.(?=\S)/);
  });
});
