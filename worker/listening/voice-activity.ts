/**
 * Voice activity and end of turn for one speaker's microphone, from frame energy: an
 * adaptive noise floor, a start that needs a run of loud frames, and an end after a
 * configurable silence. While the avatar speaks, a turn starts only on real speech: louder
 * than the floor by more, and for longer (the avatar's own voice leaking back through a
 * viewer's speakers is quieter than a person at the mic, and the browser's echo cancellation
 * has already removed most of it). Each turn comes out as one PCM buffer with a little audio
 * from before it started, so the first syllable is not lost.
 */

export interface VoiceActivityOptions {
  sampleRateHz: number;
  /** Silence that ends a turn, ms. */
  endOfTurnSilenceMs: number;
  /** Loud audio needed to start a turn, ms (while the avatar speaks: `bargeInMs`). */
  onsetMs?: number;
  bargeInMs?: number;
  /** Turns with less voiced audio than this are dropped (a cough, a click), ms. */
  minVoicedMs?: number;
  /** Audio kept from before the start, ms. */
  preRollMs?: number;
  /** A turn is cut here, ms. */
  maxTurnMs?: number;
  /** Silence after which the turn so far is offered for transcription ahead, ms. */
  pauseMs?: number;
}

export type VoiceActivityEvent =
  | { type: 'start'; atMs: number }
  | {
      type: 'end';
      pcm: Int16Array;
      startedAtMs: number;
      endedAtMs: number;
      voicedMs: number;
      /** Equal to a `pause`'s version when nothing was said after that pause. */
      version: number;
    }
  /**
   * The speaker has paused for `pauseMs` mid-turn: the turn so far, to transcribe ahead. If
   * they go on, a later `pause` or the `end` carries more; compare `turnId`/`version`.
   */
  | { type: 'pause'; pcm: Int16Array; version: number }
  /** Started, but too little voice to be a turn. */
  | { type: 'discard' };

/** Below this RMS (16-bit) nothing counts as voice, however quiet the room. */
const MIN_VOICE_RMS = 300;
/** Voice is this many times the noise floor. */
const VOICE_OVER_FLOOR = 3;
/**
 * While the avatar speaks, a turn needs at least this RMS: a person at a microphone (with the
 * browser's gain control) is well above it, the avatar's voice coming back after echo
 * cancellation well below.
 */
const BARGE_IN_RMS = 1_000;
/** Below this fraction of the start threshold a frame counts as silence (hysteresis). */
const SILENCE_FRACTION = 0.5;

export class VoiceActivity {
  private readonly options: Required<VoiceActivityOptions>;
  private noiseFloorRms = 50;
  private speaking = false;
  /** Consecutive loud frames (ms) before a start. */
  private loudMs = 0;
  private silentMs = 0;
  private voicedMs = 0;
  private startedAtMs = 0;
  private readonly preRoll: Int16Array[] = [];
  private preRollMs = 0;
  private turn: Int16Array[] = [];
  private turnMs = 0;
  /** Voiced frames seen in this turn, so a `pause` can say which audio it covers. */
  private version = 0;
  /** Set while the avatar speaks: starts need more. */
  avatarSpeaking = false;

  constructor(options: VoiceActivityOptions) {
    this.options = {
      onsetMs: 100,
      bargeInMs: 200,
      minVoicedMs: 250,
      preRollMs: 300,
      maxTurnMs: 30_000,
      pauseMs: Math.min(250, options.endOfTurnSilenceMs / 2),
      ...options,
    };
  }

  /** Whether a turn is in progress. */
  get inTurn(): boolean {
    return this.speaking;
  }

  /** Grows with every voiced frame of the turn: equal to a pause's when nothing followed. */
  get voicedVersion(): number {
    return this.version;
  }

  /** One frame of mono 16-bit PCM received at `atMs`; returns what it caused. */
  push(frame: Int16Array, atMs: number): VoiceActivityEvent[] {
    const frameMs = (frame.length / this.options.sampleRateHz) * 1000;
    const level = rms(frame);
    const threshold = Math.max(
      MIN_VOICE_RMS,
      this.noiseFloorRms * VOICE_OVER_FLOOR,
      this.avatarSpeaking ? BARGE_IN_RMS : 0,
    );
    const events: VoiceActivityEvent[] = [];

    if (!this.speaking) {
      this.keepPreRoll(frame, frameMs);
      if (level >= threshold) {
        this.loudMs += frameMs;
      } else {
        // Speech dips between syllables: a quiet frame takes back a quarter of a loud one.
        this.loudMs = Math.max(0, this.loudMs - frameMs / 4);
        // The floor follows the room's noise while nobody talks, slowly.
        this.noiseFloorRms = this.noiseFloorRms * 0.98 + Math.min(level, threshold) * 0.02;
      }
      const needed = this.avatarSpeaking ? this.options.bargeInMs : this.options.onsetMs;
      if (this.loudMs >= needed) {
        this.speaking = true;
        this.startedAtMs = atMs - this.loudMs;
        this.turn = [...this.preRoll];
        this.turnMs = this.preRollMs;
        this.voicedMs = this.loudMs;
        this.silentMs = 0;
        this.loudMs = 0;
        events.push({ type: 'start', atMs: this.startedAtMs });
      }
      return events;
    }

    this.turn.push(frame.slice());
    this.turnMs += frameMs;
    if (level >= threshold * SILENCE_FRACTION) {
      this.voicedMs += frameMs;
      this.silentMs = 0;
      this.version++;
    } else {
      const before = this.silentMs;
      this.silentMs += frameMs;
      if (before < this.options.pauseMs && this.silentMs >= this.options.pauseMs)
        events.push({ type: 'pause', pcm: this.turnPcm(0), version: this.version });
    }
    if (this.silentMs >= this.options.endOfTurnSilenceMs || this.turnMs >= this.options.maxTurnMs) {
      events.push(this.finish(atMs));
    }
    return events;
  }

  /** Ends a turn in progress now (the speaker left); undefined when none. */
  flush(atMs: number): VoiceActivityEvent | undefined {
    return this.speaking ? this.finish(atMs) : undefined;
  }

  private finish(atMs: number): VoiceActivityEvent {
    this.speaking = false;
    const pcm = this.turnPcm(this.silentMs);
    const voicedMs = this.voicedMs;
    this.turn = [];
    this.turnMs = 0;
    this.preRoll.length = 0;
    this.preRollMs = 0;
    if (voicedMs < this.options.minVoicedMs) return { type: 'discard' };
    return {
      type: 'end',
      pcm,
      startedAtMs: this.startedAtMs,
      endedAtMs: atMs - this.silentMs,
      voicedMs,
      version: this.version,
    };
  }

  /** The turn's audio so far, without most of `silentMs` of closing silence (200 ms kept). */
  private turnPcm(silentMs: number): Int16Array {
    const trailingMs = Math.max(0, silentMs - 200);
    const samples = this.turn.reduce((n, f) => n + f.length, 0);
    const keep = samples - Math.floor((trailingMs / 1000) * this.options.sampleRateHz);
    const pcm = new Int16Array(Math.max(0, keep));
    let offset = 0;
    for (const f of this.turn) {
      if (offset >= pcm.length) break;
      pcm.set(f.subarray(0, pcm.length - offset), offset);
      offset += f.length;
    }
    return pcm;
  }

  private keepPreRoll(frame: Int16Array, frameMs: number) {
    // A copy: the caller's frame buffer may be reused.
    this.preRoll.push(frame.slice());
    this.preRollMs += frameMs;
    while (this.preRollMs - frameMs > this.options.preRollMs && this.preRoll.length > 1) {
      const dropped = this.preRoll.shift()!;
      this.preRollMs -= (dropped.length / this.options.sampleRateHz) * 1000;
    }
  }
}

function rms(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
  return Math.sqrt(sum / Math.max(1, frame.length));
}
