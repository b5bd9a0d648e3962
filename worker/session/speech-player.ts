/**
 * The session's speech queue and audio clock. One loop pushes audio frames into LiveKit, one
 * at a time, paced by the AudioSource's back-pressure: speech when there is some, silence
 * otherwise, so the audio track (and the clock it gives) never stops. The mouth openness of
 * every pushed frame is remembered, and the renderer asks for the openness of the frame that
 * is audible *now* (pushed minus still queued), so the mouth follows what viewers hear.
 */
import { AudioFrame } from '@livekit/rtc-node';
import { mouthOpenness, samplesPerFrame } from '../audio/mouth-envelope';
import type { Logger } from '../log';
import type { FliteTts } from '../tts/flite-tts';
import { splitSentences } from '../tts/sentences';

/** What the player needs from LiveKit's AudioSource (an interface so tests can fake it). */
export interface AudioSink {
  captureFrame(frame: AudioFrame): Promise<void>;
  clearQueue(): void;
  /** Audio accepted but not yet played out, in ms. */
  readonly queuedDuration: number;
}

export interface SpeechPlayerOptions {
  sink: AudioSink;
  tts: Pick<FliteTts, 'synthesize'>;
  voice?: string;
  sampleRateHz: number;
  /** Audio frame length in ms. */
  frameMs: number;
  log: Logger;
}

interface Segment {
  pcm: Int16Array;
  openness: Float32Array;
  /** Next sample to push. */
  position: number;
}

/** Remembered openness values; must cover more than the AudioSource queue. */
const RING_FRAMES = 256;

export class SpeechPlayer {
  private readonly frameSamples: number;
  private readonly pieces: string[] = [];
  private current: Segment | undefined;
  private readonly ring = new Float32Array(RING_FRAMES);
  private pushedFrames = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private idle = true;

  constructor(private readonly options: SpeechPlayerOptions) {
    this.frameSamples = samplesPerFrame(options.sampleRateHz, options.frameMs);
  }

  /** Queues text to be spoken after whatever is already queued. */
  enqueue(text: string): void {
    const pieces = splitSentences(text);
    this.pieces.push(...pieces);
    this.options.log.debug({ pieces: pieces.length, queued: this.pieces.length }, 'speech queued');
  }

  /** Drops queued and playing speech at once, including audio already handed to LiveKit. */
  interrupt(): void {
    this.pieces.length = 0;
    this.current = undefined;
    this.options.sink.clearQueue();
    this.ring.fill(0);
    this.options.log.info('speech interrupted');
  }

  /** True while speech is playing or queued. */
  get speaking(): boolean {
    return this.current !== undefined || this.pieces.length > 0;
  }

  /** Mouth openness 0..1 of the audio audible right now. */
  mouthOpenNow(): number {
    const queuedFrames = Math.floor(this.options.sink.queuedDuration / this.options.frameMs);
    const audible = this.pushedFrames - 1 - queuedFrames;
    if (audible < 0 || this.pushedFrames - audible > RING_FRAMES) return 0;
    return this.ring[audible % RING_FRAMES] ?? 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pieces.length = 0;
    this.current = undefined;
    await this.loop;
  }

  private async pump(): Promise<void> {
    const { sink, sampleRateHz } = this.options;
    while (this.running) {
      // A fresh buffer per frame: the FFI reads the array from its start and ignores byteOffset.
      const data = new Int16Array(this.frameSamples);
      const openness = this.fill(data);
      this.ring[this.pushedFrames % RING_FRAMES] = openness;
      this.pushedFrames++;
      try {
        await sink.captureFrame(new AudioFrame(data, sampleRateHz, 1, this.frameSamples));
      } catch (error) {
        if (!this.running) return;
        this.options.log.error({ err: error }, 'audio capture failed');
        this.running = false;
        return;
      }
    }
  }

  /** Fills one frame with speech or silence; returns the frame's mouth openness. */
  private fill(out: Int16Array): number {
    if (!this.current) this.current = this.nextSegment();
    const segment = this.current;
    if (!segment) {
      if (!this.idle) this.options.log.debug('speech ended');
      this.idle = true;
      return 0;
    }
    if (this.idle) {
      // Whatever is queued in LiveKit is silence: drop it so speech starts now, not after it.
      this.options.sink.clearQueue();
      this.idle = false;
      this.options.log.debug('speech started');
    }
    const frameIndex = Math.floor(segment.position / this.frameSamples);
    const end = Math.min(segment.pcm.length, segment.position + out.length);
    out.set(segment.pcm.subarray(segment.position, end));
    segment.position = end;
    if (segment.position >= segment.pcm.length) this.current = undefined;
    return segment.openness[frameIndex] ?? 0;
  }

  /** Synthesises the next queued piece. Runs between frames; the queue hides its cost. */
  private nextSegment(): Segment | undefined {
    while (this.pieces.length > 0) {
      const text = this.pieces.shift();
      if (text === undefined) break;
      try {
        const started = performance.now();
        const speech = this.options.tts.synthesize(text, this.options.voice);
        if (speech.sampleRateHz !== this.options.sampleRateHz) {
          throw new Error(`TTS produced ${speech.sampleRateHz} Hz, expected ${this.options.sampleRateHz} Hz`);
        }
        if (speech.pcm.length === 0) continue;
        this.options.log.debug(
          { chars: text.length, audioMs: Math.round((speech.pcm.length / speech.sampleRateHz) * 1000), synthMs: Math.round(performance.now() - started) },
          'speech synthesised',
        );
        const openness = mouthOpenness(speech.pcm, {
          sampleRateHz: speech.sampleRateHz,
          frameMs: this.options.frameMs,
          phones: speech.phones,
        });
        return { pcm: speech.pcm, openness, position: 0 };
      } catch (error) {
        this.options.log.error({ err: error, chars: text.length }, 'speech synthesis failed');
      }
    }
    return undefined;
  }
}
