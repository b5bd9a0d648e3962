import { describe, expect, it } from 'vitest';
import { SentenceStream, stripMarkdown } from './sentence-stream';

type Options = ConstructorParameters<typeof SentenceStream>[0];

function feed(deltas: string[], options?: Options): string[] {
  const stream = new SentenceStream(options);
  const out = deltas.flatMap((delta) => stream.push(delta));
  const rest = stream.flush();
  return rest === undefined ? out : [...out, rest];
}

const whole = (text: string, options?: Options): string[] => feed([text], options);
const byChar = (text: string, options?: Options): string[] => feed([...text], options);
/** Like the models' tokens: a word with its leading space. */
const byWord = (text: string, options?: Options): string[] =>
  feed(text.match(/\s*\S+/g) ?? [], options);
/** Like the stand-in's tokens: a word with its following space. */
const byWordThenSpace = (text: string, options?: Options): string[] =>
  feed(text.match(/\S+\s*/g) ?? [], options);

const TEXTS: [string, string[]][] = [
  [
    'Hello there! How are you today? I am fine.',
    ['Hello there!', 'How are you today?', 'I am fine.'],
  ],
  [
    'It costs 3.5 dollars, or 1,000.25 in total. Dr. Smith agrees, e.g. on Tuesdays.',
    ['It costs 3.5 dollars, or 1,000.25 in total.', 'Dr. Smith agrees, e.g. on Tuesdays.'],
  ],
  [
    'We sell apples, pears, etc. and more. She moved to the U.S. last year. Then the U.S. Army called.',
    [
      'We sell apples, pears, etc. and more.',
      'She moved to the U.S. last year.',
      // Known limit: initials before a capitalised word read as a sentence end.
      'Then the U.S.',
      'Army called.',
    ],
  ],
  [
    'Well... maybe. Wait… Okay! He said "Stop." Then he left (quietly.) Mr. and Mrs. Jones came at 5 p.m. Finally.',
    [
      'Well... maybe.',
      'Wait…',
      'Okay!',
      'He said "Stop."',
      'Then he left (quietly.)',
      'Mr. and Mrs. Jones came at 5 p.m.',
      'Finally.',
    ],
  ],
  [
    '# Options\n\nHere are **three** options:\n\n1. The `fast` one.\n2. The *cheap* one\n- A [linked](https://x.io/a.b) one.\n\nPick one?! Sure.',
    [
      'Options',
      'Here are three options:',
      'The fast one.',
      'The cheap one',
      'A linked one.',
      'Pick one?!',
      'Sure.',
    ],
  ],
  [
    'So do I. Version 2.0 is out. No. 5 is next. I said no. Then',
    ['So do I.', 'Version 2.0 is out.', 'No. 5 is next.', 'I said no.', 'Then'],
  ],
];

describe('SentenceStream', () => {
  it.each(TEXTS)('splits %j the same however it is fed', (text, expected) => {
    expect(whole(text)).toEqual(expected);
    expect(byChar(text)).toEqual(expected);
    expect(byWord(text)).toEqual(expected);
    expect(byWordThenSpace(text)).toEqual(expected);
  });

  it('splits the same with random cuts', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [text, expected] of TEXTS) {
      for (let round = 0; round < 50; round++) {
        const deltas: string[] = [];
        for (let at = 0; at < text.length;) {
          const size = 1 + Math.floor(random() * 8);
          deltas.push(text.slice(at, at + size));
          at += size;
        }
        expect(feed(deltas)).toEqual(expected);
      }
    }
  });

  it('returns the first sentence as soon as the delta after its period arrives', () => {
    const stream = new SentenceStream();
    expect(stream.push('Hello')).toEqual([]);
    expect(stream.push(' there.')).toEqual([]); // the period may still be "3.5"-like
    expect(stream.push(' This')).toEqual(['Hello there.']);
    expect(stream.push(' is the rest')).toEqual([]);
    expect(stream.flush()).toBe('This is the rest');
    expect(stream.flush()).toBeUndefined();
  });

  it('returns a sentence at once when its period comes with the space after it', () => {
    const stream = new SentenceStream();
    expect(stream.push('Hello ')).toEqual([]);
    expect(stream.push('there. ')).toEqual(['Hello there.']);
  });

  it('holds a doubtful abbreviation until the next word shows whether a sentence ends', () => {
    const stream = new SentenceStream();
    expect(stream.push('Bring pens, paper, etc. ')).toEqual([]);
    expect(stream.push('Then')).toEqual(['Bring pens, paper, etc.']);
    const other = new SentenceStream();
    expect(other.push('Bring pens, etc. ')).toEqual([]);
    expect(other.push('"')).toEqual([]);
    expect(other.push('and')).toEqual([]);
    expect(other.flush()).toBe('Bring pens, etc. "and');
  });

  it('does not split decimals, versions or web addresses', () => {
    expect(byChar('Pi is 3.14159 and v1.2.3 is on example.com today.')).toEqual([
      'Pi is 3.14159 and v1.2.3 is on example.com today.',
    ]);
  });

  it('ends a piece at a newline', () => {
    expect(byChar('First line\nSecond line\n\n\nThird')).toEqual([
      'First line',
      'Second line',
      'Third',
    ]);
  });

  it('cuts a long run without a sentence end at a clause mark, else a space', () => {
    const clause = 'word '.repeat(15).trim(); // 74 characters
    const text = `${clause}; ${clause}: ${clause}, ${clause} end.`;
    for (const pieces of [whole(text, { maxChars: 100 }), byChar(text, { maxChars: 100 })]) {
      expect(pieces).toEqual([`${clause};`, `${clause}:`, `${clause},`, `${clause} end.`]);
    }
    const noMarks = 'abcd '.repeat(60).trim();
    const pieces = byWord(noMarks, { maxChars: 50 });
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(50);
    expect(pieces.join(' ')).toBe(noMarks);
    expect(whole(noMarks, { maxChars: 50 })).toEqual(pieces);
  });

  it('joins a short first sentence with the next when firstMinChars asks for it', () => {
    const text = 'Oh. Hi! That is a good question. Yes.';
    const expected = ['Oh. Hi! That is a good question.', 'Yes.'];
    expect(whole(text, { firstMinChars: 20 })).toEqual(expected);
    expect(byChar(text, { firstMinChars: 20 })).toEqual(expected);
    expect(whole(text)).toEqual(['Oh.', 'Hi!', 'That is a good question.', 'Yes.']);
  });

  it('drops pieces with nothing to say and flushes nothing when empty', () => {
    expect(whole('---\n\n***\n. . .')).toEqual([]);
    expect(new SentenceStream().flush()).toBeUndefined();
    expect(whole('  \n ')).toEqual([]);
  });
});

describe('stripMarkdown', () => {
  it('removes what a synthesiser would read aloud', () => {
    expect(stripMarkdown('## A **bold** `code` _move_')).toBe('A bold code move');
    expect(stripMarkdown('* item one')).toBe('item one');
    expect(stripMarkdown('12) item')).toBe('item');
    expect(stripMarkdown('> quoted [link](http://a.b/c)')).toBe('quoted link');
    expect(stripMarkdown('snake_case stays')).toBe('snake_case stays');
  });
});
