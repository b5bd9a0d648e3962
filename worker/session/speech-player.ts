/**
 * The session's speech queue and audio clock. One loop pushes audio frames into LiveKit, one
 * at a time, paced by the AudioSource's back-pressure: speech when there is some, silence
 * otherwise, so the audio track (and the clock it gives) never stops. The mouth pose of
 * every pushed frame is remembered, and the renderer asks for the pose of the frame that
 * is audible *now* (pushed minus still queued), so the mouth follows what viewers hear.
 *
 * Any provider works (worker/tts/session-tts.ts): audio at another rate is resampled to the
 * session's, the mouth comes from the phone timings when the provider gives them and from the
 * audio alone otherwise, and a provider that fails (bad key, timeout) costs one sentence and a
 * warning, never the session.
 */
import { randomUUID } from 'node:crypto';
import { AudioFrame } from '@livekit/rtc-node';
import { samplesPerFrame } from '../audio/mouth-envelope';
import type { Logger } from '../log';
import { normalizeText } from '../tts/normalize-text';
import { splitFirstClause, splitSentences } from '../tts/sentences';
import { NEUTRAL_POSE, type MouthPose } from '../visemes/mouth-pose';
import { opennessFromPose } from '../visemes/pose-openness';
import { synthesizeSegment, type Piece, type Segment, type SegmentOptions } from './speech-segment';
import { UtteranceTimeline, type UtteranceListener } from './utterances';

/** What the player needs from LiveKit's AudioSource (an interface so tests can fake it). */
export interface AudioSink {
  captureFrame(frame: AudioFrame): Promise<void>;
  clearQueue(): void;
  /** Audio accepted but not yet played out, in ms. */
  readonly queuedDuration: number;
}

/** The voice, rate and frame settings (SegmentOptions), and how the player runs. */
export interface SpeechPlayerOptions extends SegmentOptions {
  sink: AudioSink;
  /**
   * Frames handed to LiveKit per `captureFrame` call (default 2: 40 ms chunks at 20 ms
   * frames). Each call is a synchronous FFI request plus a completion event on the session's
   * main thread: measured here, 20 ms chunks cost 3.0-3.4 % of a core, 40 ms 1.8-1.9 %,
   * 60 ms no less. The mouth keeps the frame's resolution.
   */
  framesPerCapture?: number;
  log: Logger;
  /**
   * Called when a sentence's audio starts going out, with that audio (at `sampleRateHz`) and
   * how long until it is heard (what LiveKit still holds ahead of it), for lip-sync models.
   */
  onSentenceStart?: (pcm: Int16Array, audibleInMs: number) => void;
  /** Told when each utterance becomes audible, each word, and when it ends (utterances.ts). */
  listener?: UtteranceListener;
  /**
   * Speech began after silence and its first ~160 ms are pushed. Video frames drawn ahead
   * of their time before it was known still show a closed mouth and must be drawn again.
   */
  onSpeechStart?: () => void;
}

/** Remembered mouth poses; must cover more than the AudioSource queue. */
const RING_FRAMES = 256;
/** Speech frames pushed (20 ms each) before frames drawn ahead are drawn again. */
const SPEECH_START_REDRAW_FRAMES = 8;
/** Synthesised pieces kept ready ahead of playback. */
const READY_AHEAD = 2;

export class SpeechPlayer {
  private readonly frameSamples: number;
  private readonly framesPerCapture: number;
  private readonly pieces: Piece[] = [];
  private readonly timeline: UtteranceTimeline;
  private readonly ready: Segment[] = [];
  private synthesizing = false;
  /** Bumped by interrupt/stop so synthesis results that arrive late are dropped. */
  private generation = 0;
  private current: Segment | undefined;
  /** Silent frames pushed since the last speech frame. */
  private silentFrames = RING_FRAMES;
  private readonly poseRing: Readonly<MouthPose>[] = new Array<Readonly<MouthPose>>(
    RING_FRAMES,
  ).fill(NEUTRAL_POSE);
  private pushedFrames = 0;
  /** First frame of speech after silence, until onSpeechStart has been called for it. */
  private speechStartFrame: number | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private idle = true;

  constructor(private readonly options: SpeechPlayerOptions) {
    this.frameSamples = samplesPerFrame(options.sampleRateHz, options.frameMs);
    this.framesPerCapture = options.framesPerCapture ?? 2;
    this.timeline = new UtteranceTimeline(options.listener ?? {});
    if (!Number.isInteger(this.framesPerCapture) || this.framesPerCapture < 1) {
      throw new RangeError(
        `framesPerCapture must be a whole number ≥ 1, got ${this.framesPerCapture}`,
      );
    }
  }

  /**
   * Queues text to be spoken after whatever is already queued, as one whole utterance;
   * returns its id.
   */
  enqueue(text: string, utteranceId: string = randomUUID()): string {
    this.say(text, utteranceId);
    this.endUtterance(utteranceId);
    return utteranceId;
  }

  /** Queues text as more of an utterance (opened on first use); `endUtterance` closes it. */
  say(text: string, utteranceId: string): void {
    // Words, not digits and symbols, which Flite reads poorly; normalised before splitting
    // so that "Dr." or "$3.50" does not end a sentence.
    let pieces = splitSentences(normalizeText(text));
    // From silence, the first words are heard sooner when the synthesiser gets a short clause
    // first (Flite takes ~25 ms per second of speech it makes).
    if (!this.speaking) pieces = [...splitFirstClause(pieces[0] ?? ''), ...pieces.slice(1)];
    for (const piece of pieces) {
      this.timeline.addPiece(utteranceId);
      this.pieces.push({ kind: 'text', utteranceId, text: piece });
    }
    this.options.log.debug({ pieces: pieces.length, queued: this.pieces.length }, 'speech queued');
    this.synthesizeAhead();
  }

  /** Queues audio (any rate, mono) as a whole utterance, the mouth driven from the audio. */
  play(pcm: Int16Array, sampleRateHz: number, utteranceId: string = randomUUID()): string {
    this.timeline.addPiece(utteranceId);
    this.pieces.push({ kind: 'audio', utteranceId, pcm, sampleRateHz });
    this.endUtterance(utteranceId);
    this.synthesizeAhead();
    return utteranceId;
  }

  /**
   * Queues audio (any rate, mono) as more of an utterance that arrives in pieces while it
   * plays (a LiveKit Agent's stream), its silences kept; `endUtterance` closes it. Pieces
   * should be whole audio frames: a piece ending inside a frame is padded with silence.
   */
  stream(pcm: Int16Array, sampleRateHz: number, utteranceId: string): void {
    this.timeline.addPiece(utteranceId);
    this.pieces.push({ kind: 'audio', utteranceId, pcm, sampleRateHz, keepSilence: true });
    this.synthesizeAhead();
  }

  /** No more pieces for the utterance: it ends once everything queued has been heard. */
  endUtterance(utteranceId: string): void {
    this.timeline.close(utteranceId);
  }

  /** Drops queued and playing speech at once, including audio already handed to LiveKit. */
  interrupt(): void {
    this.generation++;
    this.pieces.length = 0;
    this.ready.length = 0;
    this.current = undefined;
    this.options.sink.clearQueue();
    this.poseRing.fill(NEUTRAL_POSE);
    this.timeline.interruptAll();
    this.options.log.info('speech interrupted');
  }

  /** True while speech is playing or queued. */
  get speaking(): boolean {
    return (
      this.current !== undefined ||
      this.ready.length > 0 ||
      this.pieces.length > 0 ||
      this.synthesizing
    );
  }

  /** Mouth openness 0..1 of the audio audible right now. */
  mouthOpenNow(): number {
    return opennessFromPose(this.mouthPoseNow());
  }

  /**
   * Mouth pose of the audio audible right now; NEUTRAL_POSE in silence. The object is shared
   * (no allocation per video frame): read it, do not keep or change it.
   */
  mouthPoseNow(): Readonly<MouthPose> {
    return this.mouthPoseAhead(0);
  }

  /**
   * Mouth pose of the audio that will be audible `aheadMs` from now (a video frame rendered
   * ahead of its due time): that audio is already pushed, LiveKit holds up to its queue ahead
   * of playout. Beyond what is pushed, the last pushed frame's pose. Same sharing rule.
   */
  mouthPoseAhead(aheadMs: number): Readonly<MouthPose> {
    const audible = this.audibleFrame();
    if (audible < 0) return NEUTRAL_POSE;
    const ahead = Math.max(0, Math.floor(aheadMs / this.options.frameMs));
    const frame = Math.min(audible + ahead, this.pushedFrames - 1);
    return this.poseRing[frame % RING_FRAMES] ?? NEUTRAL_POSE;
  }

  /** Index of the pushed frame that is playing now, or -1 when it is no longer remembered. */
  private audibleFrame(): number {
    const audible = this.playingFrame();
    return audible < 0 || this.pushedFrames - audible > RING_FRAMES ? -1 : audible;
  }

  /** Index of the pushed frame playing now (pushed minus what LiveKit still holds). */
  private playingFrame(): number {
    const queuedFrames = Math.floor(this.options.sink.queuedDuration / this.options.frameMs);
    return this.pushedFrames - 1 - queuedFrames;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.pieces.length = 0;
    this.ready.length = 0;
    this.current = undefined;
    this.timeline.interruptAll();
    await this.loop;
  }

  private async pump(): Promise<void> {
    const { sink, sampleRateHz } = this.options;
    const { frameSamples, framesPerCapture } = this;
    const chunkSamples = frameSamples * framesPerCapture;
    while (this.running) {
      // A fresh buffer per chunk: the FFI reads the array from its start and ignores
      // byteOffset. Frame by frame inside it, so the mouth keeps the frame's resolution.
      const data = new Int16Array(chunkSamples);
      for (let k = 0; k < framesPerCapture; k++) {
        const pose = this.fill(data.subarray(k * frameSamples, (k + 1) * frameSamples), k);
        this.poseRing[this.pushedFrames % RING_FRAMES] = pose;
        this.pushedFrames++;
      }
      try {
        await sink.captureFrame(new AudioFrame(data, sampleRateHz, 1, chunkSamples));
      } catch (error) {
        if (!this.running) return;
        this.options.log.error({ err: error }, 'audio capture failed');
        this.running = false;
        return;
      }
      // What is heard now: utterance starts, words and ends up to here (captions, events).
      this.timeline.advance(this.playingFrame());
      // Speech from silence: once enough of it is pushed for the frames drawn ahead (they
      // ask for the mouth up to ~160 ms ahead), those frames are drawn again with it.
      if (
        this.speechStartFrame !== undefined &&
        this.pushedFrames - this.speechStartFrame >= SPEECH_START_REDRAW_FRAMES
      ) {
        this.speechStartFrame = undefined;
        this.options.onSpeechStart?.();
      }
    }
  }

  /**
   * Fills one frame with speech or silence; returns the frame's mouth pose. `inChunk`: how
   * many frames of the same chunk come before it (not yet handed to LiveKit).
   */
  private fill(out: Int16Array, inChunk: number): Readonly<MouthPose> {
    if (!this.current) {
      this.current = this.ready.shift();
      if (this.current) this.synthesizeAhead();
    }
    const segment = this.current;
    if (!segment) {
      if (!this.idle && !this.speaking) {
        this.idle = true;
        this.options.log.debug('speech ended');
      }
      this.silentFrames++;
      return NEUTRAL_POSE;
    }
    if (this.idle) {
      // Drop what LiveKit still holds so speech starts now, but only if all of it is
      // silence: the tail of the previous utterance must still be heard.
      this.dropQueuedSilence(inChunk);
      this.idle = false;
      this.options.log.debug('speech started');
      this.speechStartFrame = this.pushedFrames;
    }
    this.silentFrames = 0;
    if (segment.position === 0) {
      this.timeline.piecePushed({
        utteranceId: segment.utteranceId,
        text: segment.text,
        startFrame: this.pushedFrames,
        frameCount: Math.ceil(segment.pcm.length / this.frameSamples),
        voicedStartFrame: segment.voiced.startFrame,
        voicedEndFrame: segment.voiced.endFrame,
      });
      this.options.onSentenceStart?.(
        segment.pcm,
        this.options.sink.queuedDuration + inChunk * this.options.frameMs,
      );
    }
    const frameIndex = Math.floor(segment.position / this.frameSamples);
    const end = Math.min(segment.pcm.length, segment.position + out.length);
    out.set(segment.pcm.subarray(segment.position, end));
    segment.position = end;
    if (segment.position >= segment.pcm.length) this.current = undefined;
    return segment.poses[frameIndex] ?? NEUTRAL_POSE;
  }

  /**
   * Drops what LiveKit still holds, but only if all of it is silence: the tail of the
   * previous utterance must still be heard. `inChunk`: silent frames of the chunk being
   * filled, not yet handed over.
   */
  private dropQueuedSilence(inChunk: number): void {
    const queuedSilentMs = (this.silentFrames - inChunk) * this.options.frameMs;
    if (queuedSilentMs >= this.options.sink.queuedDuration) this.options.sink.clearQueue();
  }

  /** Keeps up to READY_AHEAD pieces synthesised, one at a time, in order. */
  private synthesizeAhead(): void {
    if (this.synthesizing || this.ready.length >= READY_AHEAD) return;
    const piece = this.pieces.shift();
    if (piece === undefined) return;
    this.synthesizing = true;
    const generation = this.generation;
    void synthesizeSegment(piece, this.options).then((segment) => {
      this.synthesizing = false;
      if (generation !== this.generation) return;
      if (segment) {
        this.ready.push(segment);
        // From silence: drop the queued silence now, so the pump, waiting for room in
        // LiveKit's queue, takes the speech at once instead of after the next chunk.
        if (this.idle && !this.current && this.ready.length === 1) this.dropQueuedSilence(0);
      } else this.timeline.pieceDropped(piece.utteranceId);
      this.synthesizeAhead();
    });
  }
}
