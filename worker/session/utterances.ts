/**
 * What the viewers have heard: the speech player hands LiveKit audio up to its queue length
 * ahead of playout, so "pushed" is not "heard". Each utterance (an avatar turn: one speak
 * request, one model answer, one audio clip) is a run of pieces; when a piece's audio is
 * pushed, marks are set on the audio timeline (frame numbers of pushed audio) for its start,
 * each word and its end, and fired when that frame becomes audible. Captions, the transcript
 * (the text actually heard when interrupted) and the state all follow these marks, so a word
 * appears when it is spoken, not before.
 */

export interface UtteranceStarted {
  utteranceId: string;
  /** Text of the utterance's first piece. */
  text: string;
  /** Epoch ms when its first audio became audible. */
  startedAt: number;
}

export interface UtteranceEnded {
  utteranceId: string;
  /** What was heard: every word when it played to the end, the words heard when interrupted. */
  text: string;
  interrupted: boolean;
  /** Whether any of it was heard; an utterance whose audio all failed never starts. */
  started: boolean;
  startedAt: number;
  endedAt: number;
}

export interface UtteranceListener {
  started?(event: UtteranceStarted): void;
  /** Words that just became audible (one or more, space separated). */
  words?(event: { utteranceId: string; words: string }): void;
  ended?(event: UtteranceEnded): void;
}

/** A piece's audio as pushed: where it starts on the timeline and where speech is inside it. */
export interface PushedPiece {
  utteranceId: string;
  text: string;
  /** Timeline frame of the piece's first audio frame. */
  startFrame: number;
  frameCount: number;
  /** Frames from the piece's start to its first and past its last voiced frame. */
  voicedStartFrame: number;
  voicedEndFrame: number;
}

interface Utterance {
  id: string;
  /** Pieces announced but not yet played out or dropped. */
  outstanding: number;
  /** No more pieces will be added. */
  closed: boolean;
  startedAt?: number;
  heard: string[];
}

interface Mark {
  frame: number;
  fire: () => void;
}

export class UtteranceTimeline {
  private readonly utterances = new Map<string, Utterance>();
  /** Ascending by frame: pieces are pushed in timeline order. */
  private marks: Mark[] = [];

  constructor(
    private readonly listener: UtteranceListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** A piece of text or audio was queued for the utterance (created on first use). */
  addPiece(utteranceId: string): void {
    this.get(utteranceId).outstanding++;
  }

  /** No more pieces will come; it ends once everything queued has been heard. */
  close(utteranceId: string): void {
    const utterance = this.utterances.get(utteranceId);
    if (!utterance) return;
    utterance.closed = true;
    this.endIfDone(utterance);
  }

  /** A queued piece will never play (synthesis failed or gave no audio). */
  pieceDropped(utteranceId: string): void {
    const utterance = this.utterances.get(utteranceId);
    if (!utterance) return;
    utterance.outstanding--;
    this.endIfDone(utterance);
  }

  /** The piece's first frame is being pushed now: marks for its start, words and end. */
  piecePushed(piece: PushedPiece): void {
    const utterance = this.utterances.get(piece.utteranceId);
    if (!utterance) return;
    const { startFrame } = piece;
    this.marks.push({
      frame: startFrame,
      fire: () => {
        if (utterance.startedAt !== undefined) return;
        utterance.startedAt = this.now();
        this.listener.started?.({
          utteranceId: utterance.id,
          text: piece.text,
          startedAt: utterance.startedAt,
        });
      },
    });
    for (const word of wordOnsets(piece)) {
      this.marks.push({
        frame: startFrame + word.frame,
        fire: () => {
          utterance.heard.push(word.text);
          this.listener.words?.({ utteranceId: utterance.id, words: word.text });
        },
      });
    }
    this.marks.push({
      frame: startFrame + piece.frameCount,
      fire: () => {
        utterance.outstanding--;
        this.endIfDone(utterance);
      },
    });
  }

  /** Fires every mark up to and including the frame audible now. */
  advance(audibleFrame: number): void {
    let fired = 0;
    while (fired < this.marks.length && this.marks[fired]!.frame <= audibleFrame) fired++;
    if (fired === 0) return;
    const due = this.marks.slice(0, fired);
    this.marks = this.marks.slice(fired);
    for (const mark of due) mark.fire();
  }

  /** Everything stops now: each open utterance ends, interrupted, with what was heard. */
  interruptAll(): void {
    this.marks = [];
    const open = [...this.utterances.values()];
    this.utterances.clear();
    for (const utterance of open) this.end(utterance, true);
  }

  /** Whether any utterance is queued or playing. */
  get active(): boolean {
    return this.utterances.size > 0;
  }

  private get(id: string): Utterance {
    let utterance = this.utterances.get(id);
    if (!utterance) {
      utterance = { id, outstanding: 0, closed: false, heard: [] };
      this.utterances.set(id, utterance);
    }
    return utterance;
  }

  private endIfDone(utterance: Utterance): void {
    if (!utterance.closed || utterance.outstanding > 0) return;
    if (this.utterances.get(utterance.id) !== utterance) return;
    this.utterances.delete(utterance.id);
    this.end(utterance, false);
  }

  private end(utterance: Utterance, interrupted: boolean): void {
    const endedAt = this.now();
    this.listener.ended?.({
      utteranceId: utterance.id,
      text: utterance.heard.join(' '),
      interrupted,
      started: utterance.startedAt !== undefined,
      startedAt: utterance.startedAt ?? endedAt,
      endedAt,
    });
  }
}

/**
 * When each word of a piece starts, in frames from the piece's start: the voiced span shared
 * out by the words' lengths (a word and the space after it), so long words take longer. The
 * synthesiser gives no word times; this estimate is within a syllable or two.
 */
export function wordOnsets(piece: PushedPiece): { text: string; frame: number }[] {
  const words = piece.text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const start = Math.max(0, Math.min(piece.voicedStartFrame, piece.frameCount));
  const end = Math.max(start, Math.min(piece.voicedEndFrame, piece.frameCount));
  const totalChars = words.reduce((sum, w) => sum + w.length + 1, 0);
  let before = 0;
  return words.map((text) => {
    const frame = start + Math.floor(((end - start) * before) / totalChars);
    before += text.length + 1;
    return { text, frame };
  });
}
