import { describe, expect, it } from 'vitest';
import { UtteranceTimeline, wordOnsets, type UtteranceEnded } from './utterances';

function recorder() {
  const log: string[] = [];
  const ended: UtteranceEnded[] = [];
  let clock = 1_000;
  const timeline = new UtteranceTimeline(
    {
      started: (e) => log.push(`started ${e.utteranceId} ${e.text}`),
      words: (e) => log.push(`words ${e.words}`),
      ended: (e) => {
        ended.push(e);
        log.push(`ended ${e.utteranceId} ${e.interrupted ? 'interrupted' : 'done'}`);
      },
    },
    () => clock++,
  );
  return { timeline, log, ended };
}

const piece = (utteranceId: string, text: string, startFrame: number, frameCount: number) => ({
  utteranceId,
  text,
  startFrame,
  frameCount,
  voicedStartFrame: 0,
  voicedEndFrame: frameCount,
});

describe('UtteranceTimeline', () => {
  it('fires start, words and end only when their frames become audible', () => {
    const { timeline, log, ended } = recorder();
    timeline.addPiece('u1');
    timeline.addPiece('u1');
    timeline.close('u1');
    timeline.piecePushed(piece('u1', 'Hello there.', 10, 20));
    timeline.advance(9);
    expect(log).toEqual([]);
    timeline.advance(10);
    expect(log).toEqual(['started u1 Hello there.', 'words Hello']);
    timeline.advance(25);
    expect(log.at(-1)).toBe('words there.');
    timeline.advance(30);
    // The second piece is still outstanding: not over yet.
    expect(ended).toEqual([]);
    timeline.piecePushed(piece('u1', 'Bye.', 30, 10));
    timeline.advance(40);
    expect(log.slice(-2)).toEqual(['words Bye.', 'ended u1 done']);
    expect(ended[0]).toMatchObject({
      text: 'Hello there. Bye.',
      interrupted: false,
      started: true,
    });
    expect(timeline.active).toBe(false);
  });

  it('an interrupt ends the utterance with only the words heard', () => {
    const { timeline, ended } = recorder();
    timeline.addPiece('u1');
    timeline.piecePushed(piece('u1', 'one two three four', 0, 40));
    timeline.advance(12);
    timeline.interruptAll();
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ text: 'one two', interrupted: true, started: true });
    // Marks are gone: nothing fires later.
    timeline.advance(100);
    expect(ended).toHaveLength(1);
  });

  it('an utterance whose every piece failed ends without starting', () => {
    const { timeline, ended } = recorder();
    timeline.addPiece('u1');
    timeline.close('u1');
    timeline.pieceDropped('u1');
    expect(ended[0]).toMatchObject({ text: '', started: false, interrupted: false });
  });

  it('an open utterance stays active while the model still writes', () => {
    const { timeline, ended } = recorder();
    timeline.addPiece('u1');
    timeline.piecePushed(piece('u1', 'First.', 0, 5));
    timeline.advance(10);
    expect(ended).toEqual([]);
    expect(timeline.active).toBe(true);
    timeline.close('u1');
    expect(ended).toHaveLength(1);
  });
});

describe('wordOnsets', () => {
  it('shares the voiced span by word length, first word at its start', () => {
    const onsets = wordOnsets({
      utteranceId: 'u',
      text: 'a bbbbbbb',
      startFrame: 0,
      frameCount: 20,
      voicedStartFrame: 2,
      voicedEndFrame: 12,
    });
    expect(onsets).toEqual([
      { text: 'a', frame: 2 },
      { text: 'bbbbbbb', frame: 4 },
    ]);
  });
});
