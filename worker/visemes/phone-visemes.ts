/**
 * Flite's US English phones (CMU set plus `pau` and schwa `ax`) grouped into visemes: phones
 * that look the same on the mouth. Each viseme has one target pose; the track builder blends
 * between targets over time (viseme-track.ts).
 */
import { type MouthPose, NEUTRAL_POSE, pose } from './mouth-pose';

/**
 * Viseme classes, roughly the Preston Blair / MPEG-4 groups with the vowels split by jaw
 * height and rounding, because those are what a viewer reads on a face.
 */
export const VISEMES = [
  'sil', // silence: mouth at rest
  'PP', // p b m: lips pressed together
  'FF', // f v: lower lip tucked under the upper teeth
  'TH', // th dh: tongue between the teeth, jaw slightly open
  'DD', // t d n l: tongue on the ridge, jaw slightly open
  'KK', // k g ng: back of the tongue, jaw a little more open
  'CH', // ch jh sh zh: lips flared forward, teeth close
  'SS', // s z: teeth close, lips spread
  'RR', // r er: lips a little rounded
  'WW', // w: tight round lips, jaw nearly closed
  'UW', // uw uh: round lips, jaw slightly open
  'OW', // ow oy (first part): round lips, jaw half open
  'AA', // aa ae ah ao aw ay (first part): jaw wide open
  'AX', // ax (schwa), unknown phones: relaxed half-open mouth
  'EH', // eh ey (first part): jaw half open, lips spread
  'IY', // ih iy y, ends of ay ey oy: jaw nearly closed, lips spread wide
] as const;
export type Viseme = (typeof VISEMES)[number];

/** Target pose of each viseme. Controls not listed are neutral (see mouth-pose.ts). */
export const VISEME_POSES: Readonly<Record<Viseme, Readonly<MouthPose>>> = {
  sil: NEUTRAL_POSE,
  PP: pose({ lipWidth: 0.1 }),
  FF: pose({ jawOpen: 0.1, lipWidth: 0.25, lipClosure: 0, lowerLipTuck: 1 }),
  TH: pose({ jawOpen: 0.2, lipWidth: 0.3, lipClosure: 0 }),
  DD: pose({ jawOpen: 0.25, lipWidth: 0.35, lipClosure: 0 }),
  KK: pose({ jawOpen: 0.3, lipWidth: 0.25, lipClosure: 0 }),
  CH: pose({ jawOpen: 0.15, lipRound: 0.6, lipClosure: 0 }),
  SS: pose({ jawOpen: 0.1, lipWidth: 0.55, lipClosure: 0 }),
  RR: pose({ jawOpen: 0.2, lipWidth: 0.05, lipRound: 0.5, lipClosure: 0 }),
  WW: pose({ jawOpen: 0.1, lipRound: 0.9, lipClosure: 0 }),
  UW: pose({ jawOpen: 0.2, lipRound: 0.85, lipClosure: 0 }),
  OW: pose({ jawOpen: 0.45, lipRound: 0.6, lipClosure: 0 }),
  AA: pose({ jawOpen: 0.85, lipWidth: 0.4, lipClosure: 0 }),
  AX: pose({ jawOpen: 0.35, lipWidth: 0.3, lipClosure: 0 }),
  EH: pose({ jawOpen: 0.55, lipWidth: 0.6, lipClosure: 0 }),
  IY: pose({ jawOpen: 0.25, lipWidth: 0.9, lipClosure: 0 }),
};

/**
 * How a phone looks: one viseme, or two for diphthongs, whose mouth glides from the first to
 * the second (the first takes `DIPHTHONG_SPLIT` of the phone's time). `hh` has no shape of its
 * own: it takes the shape of the sound that follows ("who" is round, "he" is spread), which
 * the track builder resolves.
 */
const PHONE_VISEMES: Readonly<Record<string, readonly Viseme[]>> = {
  pau: ['sil'],
  p: ['PP'],
  b: ['PP'],
  m: ['PP'],
  f: ['FF'],
  v: ['FF'],
  th: ['TH'],
  dh: ['TH'],
  t: ['DD'],
  d: ['DD'],
  n: ['DD'],
  l: ['DD'],
  k: ['KK'],
  g: ['KK'],
  ng: ['KK'],
  ch: ['CH'],
  jh: ['CH'],
  sh: ['CH'],
  zh: ['CH'],
  s: ['SS'],
  z: ['SS'],
  r: ['RR'],
  er: ['RR'],
  w: ['WW'],
  uw: ['UW'],
  uh: ['UW'],
  ow: ['OW'],
  oy: ['OW', 'IY'],
  aa: ['AA'],
  ae: ['AA'],
  ah: ['AA'],
  ao: ['AA'],
  aw: ['AA', 'UW'],
  ay: ['AA', 'IY'],
  ax: ['AX'],
  eh: ['EH'],
  ey: ['EH', 'IY'],
  ih: ['IY'],
  iy: ['IY'],
  y: ['IY'],
};

/** Share of a diphthong's duration spent on its first viseme. */
export const DIPHTHONG_SPLIT = 0.6;

/** Phones that take the viseme of the phone after them. */
export const BORROWING_PHONES: ReadonlySet<string> = new Set(['hh']);

/** Phones during which the lips must fully close for at least one video frame. */
export const BILABIAL_PHONES: ReadonlySet<string> = new Set(['p', 'b', 'm']);

/**
 * Visemes of one Flite phone, in order. Unknown phones (another voice's phone set) map to a
 * relaxed half-open mouth rather than failing; borrowing phones (`hh`) return [] and the
 * caller uses the next phone's first viseme.
 */
export function phoneVisemes(phone: string): readonly Viseme[] {
  if (BORROWING_PHONES.has(phone)) return [];
  return PHONE_VISEMES[phone] ?? ['AX'];
}

/** Target pose of a viseme. */
export function visemePose(viseme: Viseme): MouthPose {
  return { ...VISEME_POSES[viseme] };
}
