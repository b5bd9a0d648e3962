/**
 * Audio from a LiveKit Agent, as its avatar protocol sends it: one byte stream per speech
 * segment on topic `lk.audio_stream`, raw interleaved 16-bit little-endian PCM, with the
 * format in the stream's attributes (`sample_rate`, `num_channels`). Senders use 16, 24 or
 * 48 kHz. The decoder turns the stream's chunks, cut wherever the network cut them, into mono
 * audio at the session's rate, resampled by LiveKit's own resampler (libsoxr, streaming, so
 * chunk edges leave no seams).
 */
import { AudioFrame, AudioResampler, AudioResamplerQuality } from '@livekit/rtc-node';

export const AUDIO_STREAM_TOPIC = 'lk.audio_stream';

/** Rates a sender may use; outside them the stream is refused (a mistake, not speech). */
export const MIN_SAMPLE_RATE_HZ = 8_000;
export const MAX_SAMPLE_RATE_HZ = 48_000;
/** Mono or stereo; speech in more channels is refused rather than guessed at. */
export const MAX_CHANNELS = 2;

export interface AgentAudioFormat {
  sampleRateHz: number;
  channels: number;
}

export type AudioFormatCheck =
  { ok: true; format: AgentAudioFormat } | { ok: false; reason: string };

/** A whole number written in decimal, or undefined. */
function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,6}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/**
 * The stream's format from its attributes. `sample_rate` is required; `num_channels`
 * defaults to 1. A sample width other than 16 bits (`bits_per_sample` or `sample_width`, when
 * a sender names one) is refused: the protocol carries int16 PCM only.
 */
export function audioFormatOf(attributes: Record<string, string> | undefined): AudioFormatCheck {
  const sampleRateHz = wholeNumber(attributes?.sample_rate);
  if (sampleRateHz === undefined) {
    return { ok: false, reason: 'the stream has no sample_rate attribute' };
  }
  if (sampleRateHz < MIN_SAMPLE_RATE_HZ || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
    return {
      ok: false,
      reason: `sample_rate ${sampleRateHz} Hz is outside ${MIN_SAMPLE_RATE_HZ}-${MAX_SAMPLE_RATE_HZ} Hz`,
    };
  }
  const channels =
    attributes?.num_channels === undefined ? 1 : wholeNumber(attributes.num_channels);
  if (channels === undefined || channels < 1 || channels > MAX_CHANNELS) {
    return {
      ok: false,
      reason: `num_channels ${attributes?.num_channels} is not supported (1 or 2)`,
    };
  }
  const bits = attributes?.bits_per_sample ?? attributes?.sample_width;
  if (bits !== undefined && bits !== '16' && bits !== '2') {
    return { ok: false, reason: `${bits}-bit audio is not supported (16-bit PCM only)` };
  }
  return { ok: true, format: { sampleRateHz, channels } };
}

/**
 * Chunks of one stream in, mono audio at `targetRateHz` out. Bytes of a sample (or samples of
 * a frame) split across chunks are carried to the next chunk.
 */
export class AgentAudioDecoder {
  private readonly bytesPerFrame: number;
  private carry = new Uint8Array(0);
  private readonly resampler: AudioResampler | undefined;
  private closed = false;

  constructor(
    readonly format: AgentAudioFormat,
    readonly targetRateHz: number,
  ) {
    this.bytesPerFrame = 2 * format.channels;
    this.resampler =
      format.sampleRateHz === targetRateHz
        ? undefined
        : new AudioResampler(
            format.sampleRateHz,
            targetRateHz,
            format.channels,
            AudioResamplerQuality.MEDIUM,
          );
  }

  /** Decodes one chunk; returns the mono audio it completes (may be empty). */
  push(chunk: Uint8Array): Int16Array {
    if (this.closed) throw new Error('decoder is closed');
    const bytes = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    const whole = bytes.length - (bytes.length % this.bytesPerFrame);
    this.carry = bytes.slice(whole);
    if (whole === 0) return new Int16Array(0);
    // A copy: the chunk's buffer may be shared and unaligned for Int16Array.
    const interleaved = new Int16Array(whole / 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
    for (let i = 0; i < interleaved.length; i++) interleaved[i] = view.getInt16(i * 2, true);
    return this.toMono(this.resample(interleaved));
  }

  /** The end of the stream: what the resampler still holds. Closes the decoder. */
  finish(): Int16Array {
    if (this.closed) return new Int16Array(0);
    this.closed = true;
    this.carry = new Uint8Array(0);
    if (!this.resampler) return new Int16Array(0);
    const rest = this.toMono(joinFrames(this.resampler.flush()));
    this.resampler.close();
    return rest;
  }

  /** Drops the stream (a clear, or the sender left). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.resampler?.close();
  }

  private resample(interleaved: Int16Array): Int16Array {
    if (!this.resampler) return interleaved;
    const samplesPerChannel = interleaved.length / this.format.channels;
    const frame = new AudioFrame(
      interleaved,
      this.format.sampleRateHz,
      this.format.channels,
      samplesPerChannel,
    );
    return joinFrames(this.resampler.push(frame));
  }

  private toMono(interleaved: Int16Array): Int16Array {
    const { channels } = this.format;
    if (channels === 1) return interleaved;
    const mono = new Int16Array(Math.floor(interleaved.length / channels));
    for (let i = 0; i < mono.length; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c] ?? 0;
      mono[i] = Math.round(sum / channels);
    }
    return mono;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The samples of several frames (interleaved, same format) in one array. */
function joinFrames(frames: AudioFrame[]): Int16Array {
  if (frames.length === 1) return frames[0]!.data;
  const total = frames.reduce((sum, f) => sum + f.data.length, 0);
  const out = new Int16Array(total);
  let at = 0;
  for (const f of frames) {
    out.set(f.data, at);
    at += f.data.length;
  }
  return out;
}
