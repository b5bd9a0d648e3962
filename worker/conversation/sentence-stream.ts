/**
 * Cuts a language model's streamed answer into sentences as the tokens arrive, so the avatar
 * starts speaking the first sentence while the model still writes the rest.
 *
 * A sentence ends at . ! ? … (or a run of them, optionally closed by quotes, brackets or
 * markdown emphasis) followed by whitespace, so the end is only known once the next character
 * has arrived; a newline ends a piece too (paragraphs, list items). Decimals ("3.5") never
 * split, because no whitespace follows their period. Where a period may belong to an
 * abbreviation, wrongly joining two sentences costs a little latency while wrongly splitting
 * one makes the avatar pause mid-phrase, so doubtful periods lean towards joining. Each piece
 * then goes through the speech path, which expands abbreviations (worker/tts/abbreviations.ts).
 *
 * The result is the same however the text is cut into deltas: each decision waits until the
 * characters it depends on have arrived.
 */
import { MAX_PIECE_CHARS, splitLong } from '../tts/sentences';
import { periodEndsSentence } from '../tts/text-rewrite';

/** Never end a sentence: titles before a name, and "e.g.", "i.e.", "vs.", "cf.". */
const NEVER_ENDS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'mt', 'e.g', 'i.e', 'vs', 'cf']);
/** May end a sentence: they do when a capital letter follows ("…, pears, etc. Then"). */
const MAYBE_ENDS = new Set([
  'etc',
  'approx',
  'jr',
  'sr',
  'inc',
  'ltd',
  'corp',
  'dept',
  'ave',
  'no',
  'fig',
]);
const TERMINATORS = '.!?…';
/** May close a sentence after its terminator: quotes, brackets, markdown emphasis and code. */
const CLOSERS = `"'”’)]*_\``;
/** The whole word before a period: letters, or initials like "U.S" and "e.g". */
const WORD_BEFORE = /(?<![\p{L}\p{N}])[A-Za-z]+(?:\.[A-Za-z]+)*$/u;
/** A list marker on its own ("1.", "a."), whose period ends nothing. */
const LIST_MARKER = /^(?:[-*+]\s+)?(?:\d{1,3}|[A-Za-z])\.$/;

type Decision = 'end' | 'continue' | 'wait';

/** Markdown a synthesiser would read aloud, removed from one piece. */
export function stripMarkdown(piece: string): string {
  return piece
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:#{1,6}\s+|>\s*)+/, '') // headings, block quotes
    .replace(/^(?:[-*+•]|\d{1,3}[.)])\s+/, '') // list markers
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) → text
    .replace(/\*+|`+/g, '') // **bold**, *italic*, `code`
    .replace(/(^|[\s(])_{1,2}(?=\S)|(?<=\S)_{1,2}(?=[\s.,;:!?)]|$)/g, '$1') // _emphasis_
    .trim();
}

export class SentenceStream {
  private readonly maxChars: number;
  private readonly firstMinChars: number;
  /** Text not yet returned; never starts with whitespace. */
  private buffer = '';
  private emitted = 0;

  /**
   * @param options.maxChars longest piece (characters); a longer run without a sentence end is
   *   cut at its last comma, semicolon or colon, else its last space. Default 200.
   * @param options.firstMinChars the first piece is at least this long (characters): shorter
   *   first sentences ("Oh.") are joined with the next. Default 0.
   */
  constructor(options: { maxChars?: number; firstMinChars?: number } = {}) {
    this.maxChars = options.maxChars ?? MAX_PIECE_CHARS;
    this.firstMinChars = options.firstMinChars ?? 0;
  }

  /** Adds a text delta; returns the sentences completed by it (trimmed, non-empty), in order. */
  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    for (;;) {
      this.buffer = this.buffer.trimStart();
      const end = this.findEnd();
      const overLong = end === undefined ? this.buffer.length > this.maxChars : end > this.maxChars;
      if (overLong) {
        const [first = ''] = splitLong(
          this.buffer.slice(0, this.maxChars + 1),
          this.maxChars,
          ',;:',
        );
        this.take(first.length, out);
      } else if (end !== undefined) {
        this.take(end, out);
      } else {
        return out;
      }
    }
  }

  /** End of the answer: returns what is left (trimmed) or undefined. */
  flush(): string | undefined {
    const rest = stripMarkdown(this.buffer);
    this.buffer = '';
    return hasWords(rest) ? rest : undefined;
  }

  private take(length: number, out: string[]): void {
    const piece = stripMarkdown(this.buffer.slice(0, length));
    this.buffer = this.buffer.slice(length);
    if (!hasWords(piece)) return;
    out.push(piece);
    this.emitted++;
  }

  /** Where the first piece of the buffer ends, or undefined if that is not known yet. */
  private findEnd(): number | undefined {
    const text = this.buffer;
    for (let i = 0; i < text.length; i++) {
      let decision: Decision;
      let end = i;
      if (text[i] === '\n') {
        decision = this.longEnough(i) ? 'end' : 'continue';
      } else if (TERMINATORS.includes(text[i]!)) {
        let runEnd = i;
        while (runEnd < text.length && TERMINATORS.includes(text[runEnd]!)) runEnd++;
        end = runEnd;
        while (end < text.length && CLOSERS.includes(text[end]!)) end++;
        if (end === text.length) return undefined; // the next character decides
        decision = /\s/.test(text[end]!) ? this.decide(i, runEnd, end) : 'continue';
        i = end - 1;
      } else {
        continue;
      }
      if (decision === 'wait') return undefined;
      if (decision === 'end') return end;
    }
    return undefined;
  }

  /** Whether the terminators at [runStart, runEnd), closed at `end`, end the sentence. */
  private decide(runStart: number, runEnd: number, end: number): Decision {
    const text = this.buffer;
    if (!this.longEnough(end)) return 'continue';
    const run = text.slice(runStart, runEnd);
    if (/[!?]/.test(run)) return 'end';
    if (LIST_MARKER.test(text.slice(0, end).trim())) return 'continue';
    const ellipsis = run.length > 1 || run === '…';
    const word = ellipsis ? undefined : WORD_BEFORE.exec(text.slice(0, runStart))?.[0];
    if (word !== undefined) {
      const lower = word.toLowerCase();
      if (NEVER_ENDS.has(lower) || /^[A-HJ-Z]$/.test(word)) return 'continue';
      if (!MAYBE_ENDS.has(lower) && !word.includes('.')) return 'end';
    } else if (!ellipsis) {
      return 'end';
    }
    // An abbreviation, initials ("U.S.") or an ellipsis: it ends the sentence if a capital
    // letter follows, which may not have arrived yet. A newline ends the piece either way.
    const after = text.slice(end);
    const gap = /^\s*/.exec(after)?.[0] ?? '';
    if (gap.includes('\n')) return 'end';
    if (/^["'“‘([]?$/.test(after.slice(gap.length))) return 'wait';
    return periodEndsSentence(after) ? 'end' : 'continue';
  }

  /** The first piece is held until it reaches `firstMinChars`. */
  private longEnough(end: number): boolean {
    return (
      this.emitted > 0 || stripMarkdown(this.buffer.slice(0, end)).length >= this.firstMinChars
    );
  }
}

function hasWords(piece: string): boolean {
  return /[\p{L}\p{N}]/u.test(piece);
}
