/**
 * A session's conversation: what users say (typed, or spoken and transcribed) becomes turns;
 * in echo mode the avatar says them as they are, in chat mode a language model answers,
 * streamed sentence by sentence into speech so the first sentence is heard while the model
 * still writes the rest. One interrupt stops everything at once: the model's HTTP stream is
 * aborted and the speech dropped. Turns are remembered (the last `memoryTurns` go with each
 * request), avatar turns as far as they were heard. State changes and turns are reported as
 * session events.
 */
import { randomUUID } from 'node:crypto';
import type { ConversationSettings } from '../../protocol/conversation';
import { CHAT_QUEUE_MAX_CHARS } from '../../protocol/room-control';
import type { SessionErrorCode, SessionEvent, SessionState } from '../../protocol/session-events';
import type { Logger } from '../log';
import type { UtteranceEnded, UtteranceStarted } from '../session/utterances';
import {
  ChatModelError,
  streamChat,
  type ChatMessage,
  type ChatModelSettings,
} from '../../protocol/providers/chat-model';
import { SentenceStream } from './sentence-stream';

/** What the conversation needs from the speech player. */
export interface ConversationSpeech {
  /** Queues a piece of text for the utterance (opened on first use). */
  say(text: string, utteranceId: string): void;
  /** No more pieces for the utterance: it ends once they have been heard. */
  endUtterance(utteranceId: string): void;
  /** Queues audio (mono, any rate) as a whole utterance, the mouth driven from it. */
  play(pcm: Int16Array, sampleRateHz: number, utteranceId: string): void;
  /** Drops all queued and playing speech; open utterances end as interrupted. */
  interrupt(): void;
}

export type ChatStream = (
  settings: ChatModelSettings,
  messages: ChatMessage[],
  options: { signal?: AbortSignal },
) => AsyncIterable<string>;

export interface ConversationOptions {
  settings: ConversationSettings;
  speech: ConversationSpeech;
  emit: (event: SessionEvent) => void;
  log: Logger;
  /** The model client (tests may pass another). */
  chat?: ChatStream;
}

/** What the transcript and events show for an audio clip the avatar played. */
export const CLIP_TURN_TEXT = '[audio clip]';

export interface UserTurn {
  text: string;
  /** Participant identity, or "api". */
  speaker: string;
  /** Stop what the avatar is saying first (else the turn waits for the answer to finish). */
  interrupt: boolean;
  /** Epoch ms the user started and stopped (typed turns: both now). */
  startedAt?: number;
  endedAt?: number;
  /** Room chat: dropped rather than wait behind more than CHAT_QUEUE_MAX_CHARS of chat. */
  bounded?: boolean;
}

interface Generation {
  utteranceId: string;
  controller: AbortController;
  question: string;
  /**
   * A prepared answer (written while the user may still go on): its sentences wait here
   * until the turn is committed; undefined once it speaks.
   */
  held?: string[];
  /** The model finished while the answer was held. */
  finished?: boolean;
}

export class Conversation {
  private readonly memory: ChatMessage[] = [];
  private readonly waiting: UserTurn[] = [];
  /** The model answer being written, if any. */
  private generation: Generation | undefined;
  /** Utterances queued or playing: a new turn waits while this is not empty. */
  private readonly pending = new Set<string>();
  /** Turns announced with `speech.queued` and not ended yet. */
  private readonly queued = new Map<string, string>();
  private readonly audible = new Set<string>();
  /** Utterances whose heard text goes into the model's memory (answers, the greeting). */
  private readonly remembered = new Set<string>();
  /** Utterances that are audio clips (they have no text of their own). */
  private readonly clips = new Set<string>();
  private listeners = 0;
  private state: SessionState = 'idle';
  private greeted = false;
  private closed = false;
  private readonly chat: ChatStream;

  constructor(private readonly options: ConversationOptions) {
    this.chat = options.chat ?? streamChat;
  }

  get mode() {
    return this.options.settings.mode;
  }

  /** A user said or typed something. */
  userTurn(turn: UserTurn): void {
    const text = turn.text.trim();
    if (this.closed || text === '') return;
    if (turn.bounded && !turn.interrupt && this.busy) {
      const waitingChars = this.waiting.reduce((sum, t) => sum + t.text.length, 0);
      if (waitingChars + text.length > CHAT_QUEUE_MAX_CHARS) {
        this.options.log.info(
          { chars: text.length, waitingChars },
          'chat turn dropped: queue full',
        );
        return;
      }
    }
    const now = Date.now();
    this.options.emit({
      type: 'user.transcript',
      turnId: randomUUID(),
      speaker: turn.speaker,
      text,
      startedAt: turn.startedAt ?? now,
      endedAt: turn.endedAt ?? now,
    });
    if (turn.interrupt) this.interrupt('user turn');
    this.waiting.push({ ...turn, text });
    this.next();
  }

  /** Says the text verbatim (the speak API), not a user turn and not sent to the model. */
  speak(text: string, interrupt: boolean): void {
    const trimmed = text.trim();
    if (this.closed || trimmed === '') return;
    if (interrupt) this.interrupt('speak');
    this.sayWhole(trimmed);
  }

  /** Plays an audio clip (the speak-audio API) like `speak`: queued unless interrupt. */
  playClip(pcm: Int16Array, sampleRateHz: number, interrupt: boolean): void {
    if (this.closed || pcm.length === 0) return;
    if (interrupt) this.interrupt('play audio');
    const utteranceId = randomUUID();
    this.pending.add(utteranceId);
    this.clips.add(utteranceId);
    this.announce(utteranceId, CLIP_TURN_TEXT);
    this.options.speech.play(pcm, sampleRateHz, utteranceId);
    this.updateState();
  }

  /** Stops the answer being written and everything being said; forgets waiting turns. */
  interrupt(reason: string): void {
    const generation = this.generation;
    this.generation = undefined;
    this.waiting.length = 0;
    const wasBusy = generation !== undefined || this.pending.size > 0;
    generation?.controller.abort();
    this.options.speech.interrupt();
    this.pending.clear();
    if (wasBusy) this.options.log.info({ reason }, 'conversation interrupted');
    this.updateState();
  }

  /** Whether an answer is being written, or speech is queued or playing. */
  get busy(): boolean {
    return this.generation !== undefined || this.pending.size > 0;
  }

  /** An error for the session's events (the caller has logged it). */
  reportError(code: SessionErrorCode, message: string): void {
    if (this.closed) return;
    this.options.emit({ type: 'error', code, message: message.slice(0, 2_000) });
  }

  /**
   * Starts answering what a speaker has said so far, before their turn is over (they
   * paused): the answer is written but held. `commitPrepared` lets it speak once the turn
   * ends with the same words; anything else throws it away. Saves the model's first-token
   * time on every spoken turn. False when nothing was started (busy, echo mode).
   */
  prepareTurn(text: string): boolean {
    if (this.generation?.held) this.cancelPrepared();
    const question = text.trim();
    if (this.closed || this.busy || question === '') return false;
    if (this.mode === 'echo' || !this.options.settings.llm) return false;
    void this.answer(question, { prepared: true });
    return true;
  }

  /** The turn ended as prepared: the held answer speaks. False when it was not prepared. */
  commitPrepared(turn: UserTurn): boolean {
    const generation = this.generation;
    if (!generation?.held || generation.question !== turn.text.trim()) return false;
    const now = Date.now();
    this.options.emit({
      type: 'user.transcript',
      turnId: randomUUID(),
      speaker: turn.speaker,
      text: generation.question,
      startedAt: turn.startedAt ?? now,
      endedAt: turn.endedAt ?? now,
    });
    this.remember({ role: 'user', content: generation.question });
    const held = generation.held;
    generation.held = undefined;
    for (const sentence of held) this.options.speech.say(sentence, generation.utteranceId);
    if (generation.finished) this.finishGeneration(generation);
    this.updateState();
    return true;
  }

  /** Throws away a prepared answer (the speaker went on, or said something else). */
  cancelPrepared(): void {
    const generation = this.generation;
    if (!generation?.held) return;
    this.generation = undefined;
    generation.controller.abort();
    this.pending.delete(generation.utteranceId);
    this.remembered.delete(generation.utteranceId);
    this.updateState();
  }

  /** A viewer joined: the first one hears the greeting. */
  viewerJoined(): void {
    if (this.greeted || this.closed) return;
    this.greeted = true;
    const { greeting } = this.options.settings;
    if (greeting.trim() !== '') this.sayWhole(greeting.trim(), { remember: true });
  }

  /** Voice activity of allowed speakers (the listening state). */
  setListening(talking: boolean): void {
    this.listeners = Math.max(0, this.listeners + (talking ? 1 : -1));
    this.updateState();
  }

  /** From the player: an utterance became audible. */
  utteranceStarted(event: UtteranceStarted): void {
    if (!this.pending.has(event.utteranceId)) return;
    this.audible.add(event.utteranceId);
    this.options.emit({
      type: 'speech.started',
      turnId: event.utteranceId,
      text: this.clips.has(event.utteranceId) ? CLIP_TURN_TEXT : event.text,
      startedAt: event.startedAt,
    });
    this.updateState();
  }

  /** From the player: an utterance was heard to its end, or interrupted. */
  utteranceEnded(event: UtteranceEnded): void {
    this.pending.delete(event.utteranceId);
    this.audible.delete(event.utteranceId);
    const clip = this.clips.delete(event.utteranceId);
    const queuedText = this.queued.get(event.utteranceId);
    this.queued.delete(event.utteranceId);
    if (!event.started && queuedText !== undefined) {
      this.options.emit({
        type: 'speech.dropped',
        turnId: event.utteranceId,
        text: queuedText,
        reason: 'interrupted',
      });
    }
    if (event.started) {
      this.options.emit({
        type: 'speech.ended',
        turnId: event.utteranceId,
        text: clip ? CLIP_TURN_TEXT : event.text,
        interrupted: event.interrupted,
        startedAt: event.startedAt,
        endedAt: event.endedAt,
      });
      if (this.remembered.has(event.utteranceId) && event.text !== '')
        this.remember({ role: 'assistant', content: event.text });
    }
    this.remembered.delete(event.utteranceId);
    this.updateState();
    this.next();
  }

  close(): void {
    this.closed = true;
    this.generation?.controller.abort();
    this.generation = undefined;
    this.waiting.length = 0;
  }

  /** Tells the session's events a turn was queued (its host reports it dropped on a crash). */
  private announce(utteranceId: string, text: string): void {
    this.queued.set(utteranceId, text);
    this.options.emit({ type: 'speech.queued', turnId: utteranceId, text });
  }

  private sayWhole(text: string, options: { remember?: boolean } = {}): string {
    const utteranceId = randomUUID();
    this.pending.add(utteranceId);
    this.announce(utteranceId, text);
    if (options.remember) this.remembered.add(utteranceId);
    this.options.speech.say(text, utteranceId);
    this.options.speech.endUtterance(utteranceId);
    this.updateState();
    return utteranceId;
  }

  /** Starts the next waiting turn once nothing else is being said or written. */
  private next(): void {
    if (this.closed || this.generation || this.pending.size > 0) return;
    const turn = this.waiting.shift();
    if (!turn) return;
    if (this.mode === 'echo' || !this.options.settings.llm) {
      this.sayWhole(turn.text);
      return;
    }
    void this.answer(turn.text);
  }

  private async answer(question: string, options: { prepared?: boolean } = {}): Promise<void> {
    const { settings, speech, log } = this.options;
    const llm = settings.llm;
    if (!llm) return;
    const utteranceId = randomUUID();
    const generation: Generation = {
      utteranceId,
      question,
      controller: new AbortController(),
      ...(options.prepared ? { held: [] } : {}),
    };
    this.generation = generation;
    this.pending.add(utteranceId);
    this.remembered.add(utteranceId);
    this.updateState();

    const messages: ChatMessage[] = [];
    if (settings.persona.trim() !== '')
      messages.push({ role: 'system', content: settings.persona.trim() });
    // The last memoryTurns turns before this one, then this one.
    messages.push(...this.memory, { role: 'user', content: question });
    // A prepared turn is remembered when it is committed.
    if (!options.prepared) this.remember({ role: 'user', content: question });
    const sentences = new SentenceStream();
    let pieces = 0;
    const started = performance.now();
    const say = (text: string) => {
      if (pieces === 0)
        log.info({ firstSentenceMs: Math.round(performance.now() - started) }, 'model answering');
      pieces++;
      if (generation.held) generation.held.push(text);
      else speech.say(text, utteranceId);
    };
    try {
      for await (const delta of this.chat(llm, messages, {
        signal: generation.controller.signal,
      })) {
        if (generation.controller.signal.aborted) break;
        for (const sentence of sentences.push(delta)) say(sentence);
      }
      if (!generation.controller.signal.aborted) {
        const rest = sentences.flush();
        if (rest) say(rest);
      }
    } catch (error) {
      if (!generation.controller.signal.aborted) this.modelFailed(error, pieces, say);
    } finally {
      if (this.generation === generation) {
        if (generation.held) generation.finished = true;
        else this.finishGeneration(generation);
      }
    }
  }

  /** The answer is fully written and queued: its utterance ends once heard. */
  private finishGeneration(generation: Generation): void {
    if (this.generation === generation) this.generation = undefined;
    this.options.speech.endUtterance(generation.utteranceId);
    this.updateState();
  }

  /** Provider failures never end the session: the fallback line, an error event, a log line. */
  private modelFailed(error: unknown, pieces: number, say: (text: string) => void): void {
    const { log, settings, emit } = this.options;
    const code = error instanceof ChatModelError ? error.code : 'unexpected';
    const message =
      error instanceof Error ? error.message : 'The language model failed for an unknown reason.';
    log.warn(
      { code, status: error instanceof ChatModelError ? error.status : undefined, reason: message },
      'language model failed',
    );
    emit({ type: 'error', code: 'llm_failed', message: message.slice(0, 2_000) });
    // Half an answer stays as it is; no answer at all gets the fallback line.
    if (pieces === 0) say(settings.fallback);
  }

  private remember(message: ChatMessage): void {
    this.memory.push(message);
    const keep = this.options.settings.memoryTurns;
    if (this.memory.length > keep) this.memory.splice(0, this.memory.length - keep);
  }

  private updateState(): void {
    const state: SessionState =
      this.audible.size > 0
        ? 'speaking'
        : this.listeners > 0
          ? 'listening'
          : this.generation || this.pending.size > 0
            ? 'thinking'
            : 'idle';
    if (state === this.state || this.closed) return;
    this.state = state;
    this.options.emit({ type: 'state', state });
  }
}
