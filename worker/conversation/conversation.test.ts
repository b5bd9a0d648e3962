import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVERSATION, type ConversationSettings } from '../../protocol/conversation';
import { CHAT_QUEUE_MAX_CHARS } from '../../protocol/room-control';
import type { SessionEvent } from '../../protocol/session-events';
import { ChatModelError, type ChatMessage } from '../../protocol/providers/chat-model';
import { CLIP_TURN_TEXT, Conversation, type ChatStream } from './conversation';

const log = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A speech port that records what it is asked, and a hand to play utterances out. */
function harness(settings: Partial<ConversationSettings>, chat?: ChatStream) {
  const said: { text: string; utteranceId: string }[] = [];
  const played: { pcm: Int16Array; sampleRateHz: number; utteranceId: string }[] = [];
  const ended = new Set<string>();
  const events: SessionEvent[] = [];
  let interrupts = 0;
  const conversation = new Conversation({
    settings: { ...DEFAULT_CONVERSATION, ...settings },
    speech: {
      say: (text, utteranceId) => said.push({ text, utteranceId }),
      endUtterance: (id) => ended.add(id),
      play: (pcm, sampleRateHz, utteranceId) => played.push({ pcm, sampleRateHz, utteranceId }),
      interrupt: () => interrupts++,
    },
    emit: (event) => events.push(event),
    log,
    ...(chat ? { chat } : {}),
  });
  /** Plays an utterance out: heard from start to end. */
  const play = (utteranceId: string) => {
    const text = said
      .filter((s) => s.utteranceId === utteranceId)
      .map((s) => s.text)
      .join(' ');
    conversation.utteranceStarted({ utteranceId, text, startedAt: Date.now() });
    conversation.utteranceEnded({
      utteranceId,
      text,
      interrupted: false,
      started: true,
      startedAt: Date.now(),
      endedAt: Date.now(),
    });
  };
  return { conversation, said, played, ended, events, play, interrupts: () => interrupts };
}

const llm = { baseUrl: 'http://127.0.0.1:1/v1', model: 'stand-in' };

/** A model that answers with these deltas, recording what it was sent. */
function scriptedModel(answers: string[][], seen: ChatMessage[][], gapMs = 0): ChatStream {
  let call = 0;
  return async function* (_settings, messages, { signal }) {
    seen.push(messages);
    for (const delta of answers[call++] ?? []) {
      if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (signal?.aborted) throw new ChatModelError('aborted', 'aborted');
      yield delta;
    }
  };
}

describe('Conversation', () => {
  it('echo mode says a user turn as it is, reporting the turn, speech and state', () => {
    const h = harness({ mode: 'echo' });
    h.conversation.userTurn({ text: ' Hello world ', speaker: 'api', interrupt: false });
    expect(h.said.map((s) => s.text)).toEqual(['Hello world']);
    const id = h.said[0]!.utteranceId;
    expect(h.ended.has(id)).toBe(true);
    h.play(id);
    const types = h.events.map((e) => (e.type === 'state' ? `state:${e.state}` : e.type));
    expect(types).toEqual([
      'user.transcript',
      'speech.queued',
      'state:thinking',
      'speech.started',
      'state:speaking',
      'speech.ended',
      'state:idle',
    ]);
  });

  it('announces spoken text as queued, and reports a queued turn an interrupt drops unheard', () => {
    const h = harness({ mode: 'echo' });
    h.conversation.speak('First sentence.', false);
    h.conversation.speak('Second sentence.', false);
    const [first, second] = h.said.map((s) => s.utteranceId);
    expect(h.events.filter((e) => e.type === 'speech.queued')).toEqual([
      { type: 'speech.queued', turnId: first, text: 'First sentence.' },
      { type: 'speech.queued', turnId: second, text: 'Second sentence.' },
    ]);
    // The first is heard in part when the interrupt comes; the second never started.
    h.conversation.utteranceStarted({ utteranceId: first!, text: 'First', startedAt: 1 });
    for (const [utteranceId, started] of [
      [first!, true],
      [second!, false],
    ] as const) {
      h.conversation.utteranceEnded({
        utteranceId,
        text: started ? 'First' : '',
        interrupted: true,
        started,
        startedAt: 1,
        endedAt: 2,
      });
    }
    expect(h.events.filter((e) => e.type === 'speech.dropped')).toEqual([
      { type: 'speech.dropped', turnId: second, text: 'Second sentence.', reason: 'interrupted' },
    ]);
    expect(h.events.find((e) => e.type === 'speech.ended')).toMatchObject({
      turnId: first,
      text: 'First',
      interrupted: true,
    });
  });

  it('chat mode speaks the first sentence while the model is still writing', async () => {
    const seen: ChatMessage[][] = [];
    const model = scriptedModel([['Hi ', 'there. ', 'I am ', 'a model', '.']], seen, 30);
    const h = harness({ mode: 'chat', llm, persona: 'You are a guide.' }, model);
    h.conversation.userTurn({ text: 'Who are you?', speaker: 'viewer-1', interrupt: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // "Hi there." is complete once "I am " arrives; the rest is still being written.
    expect(h.said.map((s) => s.text)).toEqual(['Hi there.']);
    expect(h.ended.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.said.map((s) => s.text)).toEqual(['Hi there.', 'I am a model.']);
    expect(h.ended.size).toBe(1);
    expect(seen[0]).toEqual([
      { role: 'system', content: 'You are a guide.' },
      { role: 'user', content: 'Who are you?' },
    ]);
  });

  it('remembers the last memoryTurns turns, the answer as far as it was heard', async () => {
    const seen: ChatMessage[][] = [];
    const model = scriptedModel([['One.'], ['Two.'], ['Three.']], seen);
    const h = harness({ mode: 'chat', llm, memoryTurns: 2 }, model);
    for (const question of ['a?', 'b?', 'c?']) {
      h.conversation.userTurn({ text: question, speaker: 'api', interrupt: false });
      await tick();
      h.play(h.said.at(-1)!.utteranceId);
    }
    expect(seen[1]).toEqual([
      { role: 'user', content: 'a?' },
      { role: 'assistant', content: 'One.' },
      { role: 'user', content: 'b?' },
    ]);
    expect(seen[2]).toEqual([
      { role: 'user', content: 'b?' },
      { role: 'assistant', content: 'Two.' },
      { role: 'user', content: 'c?' },
    ]);
  });

  it('an interrupt aborts the model stream and the speech', async () => {
    let signal: AbortSignal | undefined;
    const model: ChatStream = async function* (_s, _m, options) {
      signal = options.signal;
      yield 'First sentence. ';
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      yield 'Never.';
    };
    const h = harness({ mode: 'chat', llm }, model);
    h.conversation.userTurn({ text: 'Talk.', speaker: 'api', interrupt: true });
    await tick();
    h.conversation.interrupt('stop button');
    expect(signal?.aborted).toBe(true);
    expect(h.interrupts()).toBeGreaterThanOrEqual(2);
    expect(h.events.at(-1)).toEqual({ type: 'state', state: 'idle' });
  });

  it('a failing model costs one fallback line and an error event, not the session', async () => {
    const model: ChatStream = async function* () {
      await tick();
      yield* [];
      throw new ChatModelError('http', 'The model server answered 500.', 500);
    };
    const h = harness({ mode: 'chat', llm, fallback: 'Sorry, not now.' }, model);
    h.conversation.userTurn({ text: 'Hello?', speaker: 'api', interrupt: true });
    await tick();
    expect(h.said.map((s) => s.text)).toEqual(['Sorry, not now.']);
    expect(h.events).toContainEqual({
      type: 'error',
      code: 'llm_failed',
      message: 'The model server answered 500.',
    });
    // The next turn is answered normally.
    h.play(h.said[0]!.utteranceId);
    expect(h.events.at(-1)).toEqual({ type: 'state', state: 'idle' });
  });

  it('greets the first viewer only', () => {
    const h = harness({ mode: 'echo', greeting: 'Welcome!' });
    h.conversation.viewerJoined();
    h.conversation.viewerJoined();
    expect(h.said.map((s) => s.text)).toEqual(['Welcome!']);
  });

  it('a turn that does not interrupt waits for the current answer to be heard', async () => {
    const seen: ChatMessage[][] = [];
    const h = harness({ mode: 'chat', llm }, scriptedModel([['A.'], ['B.']], seen));
    h.conversation.userTurn({ text: 'first', speaker: 'api', interrupt: false });
    h.conversation.userTurn({ text: 'second', speaker: 'api', interrupt: false });
    await tick();
    expect(seen).toHaveLength(1);
    h.play(h.said[0]!.utteranceId);
    await tick();
    expect(seen).toHaveLength(2);
  });

  it('room chat never queues more than CHAT_QUEUE_MAX_CHARS behind what is being said', () => {
    const h = harness({ mode: 'echo' });
    const chat = (text: string) =>
      h.conversation.userTurn({ text, speaker: 'Ann', interrupt: false, bounded: true });
    chat('Hello there, first line is said at once.');
    chat('x'.repeat(50));
    chat('y'.repeat(CHAT_QUEUE_MAX_CHARS - 50 + 1));
    // The first is being said; the second waits; the third would overfill the queue.
    h.play(h.said[0]!.utteranceId);
    h.play(h.said[1]!.utteranceId);
    expect(h.said.map((s) => s.text)).toEqual([
      'Hello there, first line is said at once.',
      'x'.repeat(50),
    ]);
    // Unbounded turns (the API, approved questions) always wait their turn.
    h.conversation.userTurn({ text: 'z'.repeat(400), speaker: 'api', interrupt: false });
    h.conversation.userTurn({ text: 'w'.repeat(400), speaker: 'api', interrupt: false });
    expect(h.said).toHaveLength(3);
    h.play(h.said[2]!.utteranceId);
    expect(h.said).toHaveLength(4);
  });

  it('plays a clip as an avatar turn shown as [audio clip], queued or interrupting', () => {
    const h = harness({ mode: 'echo' });
    h.conversation.speak('Before the clip.', false);
    const pcm = new Int16Array(16_000).fill(1_000);
    h.conversation.playClip(pcm, 16_000, false);
    expect(h.interrupts()).toBe(0);
    expect(h.played).toHaveLength(1);
    expect(h.played[0]).toMatchObject({ pcm, sampleRateHz: 16_000 });
    const clipId = h.played[0]!.utteranceId;
    // The player reports a clip with the text it heard: none.
    h.conversation.utteranceStarted({ utteranceId: clipId, text: '', startedAt: 1 });
    h.conversation.utteranceEnded({
      utteranceId: clipId,
      text: '',
      interrupted: false,
      started: true,
      startedAt: 1,
      endedAt: 2,
    });
    expect(h.events).toContainEqual({
      type: 'speech.started',
      turnId: clipId,
      text: CLIP_TURN_TEXT,
      startedAt: 1,
    });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'speech.ended', turnId: clipId, text: CLIP_TURN_TEXT }),
    );

    h.conversation.playClip(pcm, 22_050, true);
    expect(h.interrupts()).toBe(1);
    expect(h.played.at(-1)?.sampleRateHz).toBe(22_050);
    // An empty clip plays nothing.
    h.conversation.playClip(new Int16Array(0), 16_000, false);
    expect(h.played).toHaveLength(2);
  });

  it('a clip that fails is an audio_invalid error event, and the session goes on', () => {
    const h = harness({ mode: 'echo' });
    h.conversation.reportError('audio_invalid', 'The audio clip could not be fetched (HTTP 404).');
    expect(h.events).toEqual([
      {
        type: 'error',
        code: 'audio_invalid',
        message: 'The audio clip could not be fetched (HTTP 404).',
      },
    ]);
    h.conversation.speak('Still here.', false);
    expect(h.said.map((s) => s.text)).toEqual(['Still here.']);
  });
});

describe('Conversation prepared turns (answering while the speaker pauses)', () => {
  it('holds the answer until the turn is committed with the same words, then speaks it', async () => {
    const seen: ChatMessage[][] = [];
    const h = harness({ mode: 'chat', llm }, scriptedModel([['Nine. ', 'Sharp.']], seen));
    expect(h.conversation.prepareTurn('When do you open?')).toBe(true);
    await tick();
    // Written, not said, and no user turn yet.
    expect(seen).toHaveLength(1);
    expect(h.said).toEqual([]);
    expect(h.events.some((e) => e.type === 'user.transcript')).toBe(false);
    const committed = h.conversation.commitPrepared({
      text: 'When do you open?',
      speaker: 'viewer-1',
      interrupt: true,
    });
    expect(committed).toBe(true);
    expect(h.said.map((s) => s.text)).toEqual(['Nine.', 'Sharp.']);
    expect(h.ended.has(h.said[0]!.utteranceId)).toBe(true);
    expect(h.events.find((e) => e.type === 'user.transcript')).toMatchObject({
      speaker: 'viewer-1',
      text: 'When do you open?',
    });
  });

  it('other words at the end throw the prepared answer away and abort its stream', async () => {
    let signal: AbortSignal | undefined;
    const model: ChatStream = async function* (_s, _m, options) {
      signal = options.signal;
      yield 'Held. ';
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    };
    const h = harness({ mode: 'chat', llm }, model);
    h.conversation.prepareTurn('When do');
    await tick();
    expect(
      h.conversation.commitPrepared({ text: 'When do you close?', speaker: 'v', interrupt: true }),
    ).toBe(false);
    h.conversation.cancelPrepared();
    expect(signal?.aborted).toBe(true);
    expect(h.said).toEqual([]);
    expect(h.conversation.busy).toBe(false);
  });

  it('echo mode prepares nothing', () => {
    const h = harness({ mode: 'echo' });
    expect(h.conversation.prepareTurn('Hello')).toBe(false);
  });
});
