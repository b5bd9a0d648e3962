/**
 * The real type of an uploaded audio clip, from its first bytes (never its name or the
 * browser's claim).
 */

export const ACCEPTED_AUDIO = ['audio/wav', 'audio/mpeg', 'audio/ogg', 'audio/webm'] as const;
export type AudioType = (typeof ACCEPTED_AUDIO)[number];

/** The accepted formats as a user reads them. */
export const ACCEPTED_AUDIO_NAMES = 'WAV, MP3, OGG or WebM';

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, to));

/** An MPEG audio frame header: 11 sync bits, a valid version, and layer I-III (not AAC's 00). */
function isMpegFrame(bytes: Uint8Array): boolean {
  const [b0, b1, b2] = [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0];
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  const bitrate = b2 >> 4;
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && version !== 1 && layer !== 0 && bitrate !== 15;
}

/**
 * Detects WAV (RIFF/WAVE), MP3 (an ID3 tag or an MPEG audio frame), OGG and WebM (EBML whose
 * DocType is "webm") from the first bytes; null for anything else.
 */
export function sniffAudio(bytes: Uint8Array): AudioType | null {
  if (bytes.length < 4) return null;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(bytes, 0, 3) === 'ID3' || isMpegFrame(bytes)) return 'audio/mpeg';
  if (ascii(bytes, 0, 4) === 'OggS') return 'audio/ogg';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    // EBML: the DocType element names "webm" within the first bytes.
    return ascii(bytes, 0, Math.min(bytes.length, 64)).includes('webm') ? 'audio/webm' : null;
  }
  return null;
}
