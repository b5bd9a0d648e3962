/**
 * One piece of speech made ready to play: text synthesised by the session's voice (or audio
 * given as it is), resampled to the session's rate, with a mouth pose per audio frame and
 * where its voiced part lies (for word timing). A provider that fails costs this piece and a
 * warning, never the session.
 */
import { createResampler } from '../audio/resample';
import { samplesPerFrame } from '../audio/mouth-envelope';
import type { Logger } from '../log';
import type { PhoneTiming, SpeechAudio } from '../tts/speech-audio';
import { SpeechProviderError } from '../tts/openai-speech';
import { mouthTrack } from '../visemes/mouth-driver';
import type { MouthPose } from '../visemes/mouth-pose';

/** Something to say: a piece of text, or audio to play with the mouth driven by it. */
export type Piece =
  | { kind: 'text'; utteranceId: string; text: string }
  | {
      kind: 'audio';
      utteranceId: string;
      pcm: Int16Array;
      sampleRateHz: number;
      /** Part of a stream: its leading silence is a pause inside speech, not to be cut. */
      keepSilence?: boolean;
    };

export interface Segment {
  utteranceId: string;
  /** The piece's text ('' for audio). */
  text: string;
  pcm: Int16Array;
  /** Mouth pose per audio frame. */
  poses: MouthPose[];
  /** Frames from the start to the first and past the last voiced frame. */
  voiced: { startFrame: number; endFrame: number };
  /** Next sample to push. */
  position: number;
}

export interface SegmentOptions {
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
  log: Logger;
}

/** Samples louder than this (16-bit) count as voiced when there are no phone timings. */
const VOICED_LEVEL = 600;

/**
 * The voiced part of a piece, in audio frames: from the phone timings (silence is `pau`), or
 * without them from the first to the last loud sample.
 */
export function voicedSpan(
  audio: { pcm: Int16Array; sampleRateHz: number; phones: PhoneTiming[] },
  frameMs: number,
): { startFrame: number; endFrame: number } {
  const totalFrames = Math.ceil(((audio.pcm.length / audio.sampleRateHz) * 1000) / frameMs);
  const spoken = audio.phones.filter((p) => p.phone !== 'pau');
  if (spoken.length > 0) {
    return {
      startFrame: Math.floor(spoken[0]!.startMs / frameMs),
      endFrame: Math.min(totalFrames, Math.ceil(spoken.at(-1)!.endMs / frameMs)),
    };
  }
  let first = -1;
  let last = -1;
  for (let i = 0; i < audio.pcm.length; i++) {
    if (Math.abs(audio.pcm[i]!) > VOICED_LEVEL) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return { startFrame: 0, endFrame: totalFrames };
  const frameOf = (sample: number) => ((sample / audio.sampleRateHz) * 1000) / frameMs;
  return { startFrame: Math.floor(frameOf(first)), endFrame: Math.ceil(frameOf(last + 1)) };
}

/**
 * Leading silence kept before a piece's first sound, ms. Flite opens every sentence with
 * 160-220 ms of silence (a `pau`), which a viewer waits through before hearing anything;
 * the pause between sentences stays, from the previous piece's trailing silence.
 */
export const LEADING_SILENCE_KEEP_MS = 10;

/** The audio without its leading silence beyond `keepMs`, phone times shifted to match. */
export function trimLeadingSilence(
  audio: SpeechAudio,
  keepMs = LEADING_SILENCE_KEEP_MS,
): SpeechAudio {
  const { startFrame } = voicedSpan(audio, 1);
  const cutMs = Math.max(0, startFrame - keepMs);
  const cutSamples = Math.floor((cutMs * audio.sampleRateHz) / 1000);
  if (cutSamples <= 0 || cutSamples >= audio.pcm.length) return audio;
  const shiftMs = (cutSamples * 1000) / audio.sampleRateHz;
  return {
    pcm: audio.pcm.subarray(cutSamples),
    sampleRateHz: audio.sampleRateHz,
    phones: audio.phones
      .map((p) => ({ ...p, startMs: Math.max(0, p.startMs - shiftMs), endMs: p.endMs - shiftMs }))
      .filter((p) => p.endMs > 0),
  };
}

/** The piece ready to play, or undefined when it gives no audio or its provider failed. */
export async function synthesizeSegment(
  piece: Piece,
  options: SegmentOptions,
): Promise<Segment | undefined> {
  const { sampleRateHz, log } = options;
  const text = piece.kind === 'text' ? piece.text : '';
  try {
    const started = performance.now();
    const speech =
      piece.kind === 'audio' && piece.keepSilence
        ? { pcm: piece.pcm, sampleRateHz: piece.sampleRateHz, phones: [] }
        : trimLeadingSilence(
            piece.kind === 'text'
              ? await options.tts.synthesize(text, options.voice, options.rate)
              : { pcm: piece.pcm, sampleRateHz: piece.sampleRateHz, phones: [] },
          );
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
    // frames the player pushes. Phone times are in ms, so resampling leaves them valid.
    const { poses } = mouthTrack(
      { pcm, sampleRateHz, phones: speech.phones },
      { fps: sampleRateHz / samplesPerFrame(sampleRateHz, options.frameMs) },
    );
    const voiced = voicedSpan({ pcm, sampleRateHz, phones: speech.phones }, options.frameMs);
    return { utteranceId: piece.utteranceId, text, pcm, poses, voiced, position: 0 };
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
