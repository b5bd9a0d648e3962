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
import { AudioFrame } from '@livekit/rtc-node';
import { samplesPerFrame } from '../audio/mouth-envelope';
import { createResampler } from '../audio/resample';
import type { Logger } from '../log';
import type { SpeechAudio } from '../tts/speech-audio';
import { normalizeText } from '../tts/normalize-text';
import { SpeechProviderError } from '../tts/openai-speech';
import { splitSentences } from '../tts/sentences';
import { mouthTrack } from '../visemes/mouth-driver';
import { NEUTRAL_POSE, type MouthPose } from '../visemes/mouth-pose';
import { opennessFromPose } from '../visemes/pose-openness';

/** What the player needs from LiveKit's AudioSource (an interface so tests can fake it). */
export interface AudioSink {
  captureFrame(frame: AudioFrame): Promise<void>;
  clearQueue(): void;
  /** Audio accepted but not yet played out, in ms. */
  readonly queuedDuration: number;
}

export interface SpeechPlayerOptions {
  sink: AudioSink;
  /** Synthesis runs ahead of playback, off the pump; sync implementations work too. */
  tts: {
    synthesize(text: string, voice?: string, rate?: number): Promise<SpeechAudio> | SpeechAudio;
  };
  voice?: string;
  /** Speaking rate, 1 = natural. */
  rate?: number;
  sampleRateHz: number;
  /** Audio frame length in ms: the resolution of the mouth track and of `mouthPoseNow`. */
  frameMs: number;
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
}

interface Segment {
  pcm: Int16Array;
  /** Mouth pose per audio frame. */
  poses: MouthPose[];
  /** Next sample to push. */
  position: number;
}

/** Remembered mouth poses; must cover more than the AudioSource queue. */
const RING_FRAMES = 256;
/** Synthesised pieces kept ready ahead of playback. */
const READY_AHEAD = 2;

export class SpeechPlayer {
  private readonly frameSamples: number;
  private readonly framesPerCapture: number;
  private readonly pieces: string[] = [];
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
  private running = false;
  private loop: Promise<void> | undefined;
  private idle = true;

  constructor(private readonly options: SpeechPlayerOptions) {
    this.frameSamples = samplesPerFrame(options.sampleRateHz, options.frameMs);
    this.framesPerCapture = options.framesPerCapture ?? 2;
    if (!Number.isInteger(this.framesPerCapture) || this.framesPerCapture < 1) {
      throw new RangeError(
        `framesPerCapture must be a whole number ≥ 1, got ${this.framesPerCapture}`,
      );
    }
  }

  /** Queues text to be spoken after whatever is already queued. */
  enqueue(text: string): void {
    // Words, not digits and symbols, which Flite reads poorly; normalised before splitting
    // so that "Dr." or "$3.50" does not end a sentence.
    const pieces = splitSentences(normalizeText(text));
    this.pieces.push(...pieces);
    this.options.log.debug({ pieces: pieces.length, queued: this.pieces.length }, 'speech queued');
    this.synthesizeAhead();
  }

  /** Drops queued and playing speech at once, including audio already handed to LiveKit. */
  interrupt(): void {
    this.generation++;
    this.pieces.length = 0;
    this.ready.length = 0;
    this.current = undefined;
    this.options.sink.clearQueue();
    this.poseRing.fill(NEUTRAL_POSE);
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
    const queuedFrames = Math.floor(this.options.sink.queuedDuration / this.options.frameMs);
    const audible = this.pushedFrames - 1 - queuedFrames;
    return audible < 0 || this.pushedFrames - audible > RING_FRAMES ? -1 : audible;
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
      const queuedSilentMs = (this.silentFrames - inChunk) * this.options.frameMs;
      if (queuedSilentMs >= this.options.sink.queuedDuration) this.options.sink.clearQueue();
      this.idle = false;
      this.options.log.debug('speech started');
    }
    this.silentFrames = 0;
    if (segment.position === 0) {
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

  /** Keeps up to READY_AHEAD pieces synthesised, one at a time, in order. */
  private synthesizeAhead(): void {
    if (this.synthesizing || this.ready.length >= READY_AHEAD) return;
    const text = this.pieces.shift();
    if (text === undefined) return;
    this.synthesizing = true;
    const generation = this.generation;
    void this.synthesize(text).then((segment) => {
      this.synthesizing = false;
      if (generation !== this.generation) return;
      if (segment) this.ready.push(segment);
      this.synthesizeAhead();
    });
  }

  private async synthesize(text: string): Promise<Segment | undefined> {
    const { sampleRateHz, log } = this.options;
    try {
      const started = performance.now();
      const speech = await this.options.tts.synthesize(text, this.options.voice, this.options.rate);
      if (speech.pcm.length === 0) return undefined;
      // Providers speak at their own rate (OpenAI 24 kHz); LiveKit gets the session's.
      const pcm =
        speech.sampleRateHz === sampleRateHz
          ? speech.pcm
          : createResampler(speech.sampleRateHz, sampleRateHz).resample(speech.pcm);
      log.debug(
        {
          chars: text.length,
          audioMs: Math.round((pcm.length / sampleRateHz) * 1000),
          synthMs: Math.round(performance.now() - started),
          providerRateHz: speech.sampleRateHz,
        },
        'speech synthesised',
      );
      // Shape from the phone timings (or, without them, from audio features), jaw from the
      // loudness, one value per audio frame: at this rate the track's frames are exactly the
      // frames `fill` pushes. Phone times are in ms, so resampling leaves them valid.
      const { poses } = mouthTrack(
        { pcm, sampleRateHz, phones: speech.phones },
        { fps: sampleRateHz / this.frameSamples },
      );
      return { pcm, poses, position: 0 };
    } catch (error) {
      if (error instanceof SpeechProviderError) {
        // Expected in operation (bad key, rate limit, server down): the message is redacted
        // and says what happened; the session goes on with the next sentence.
        log.warn(
          { code: error.code, status: error.status, reason: error.message, chars: text.length },
          'speech provider failed, sentence skipped',
        );
      } else {
        log.error({ err: error, chars: text.length }, 'speech synthesis failed, sentence skipped');
      }
      return undefined;
    }
  }
}
