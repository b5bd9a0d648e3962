/**
 * The built-in voices and speaking rates: the app offers them in its forms and API, the
 * worker speaks with them.
 */

/** The offline voices every worker has (Flite, 16 kHz), with names for people. */
export const VOICES = [
  { id: 'slt', label: 'Sarah — US English, female' },
  { id: 'kal16', label: 'Kal — US English, male' },
  { id: 'rms', label: 'Ralph — US English, male, deeper' },
  { id: 'awb', label: 'Alan — Scottish English, male' },
] as const;
export type VoiceId = (typeof VOICES)[number]['id'];
export const DEFAULT_VOICE_ID: VoiceId = 'slt';

/** Speaking rate bounds: 1 = the voice's natural pace, 0.5 = half as fast, 2 = twice as fast. */
export const SPEECH_RATE_MIN = 0.5;
export const SPEECH_RATE_MAX = 2;
