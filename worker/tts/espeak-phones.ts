/**
 * eSpeak NG reports phonemes in IPA ("ˈoʊ", "ɹ", "tʃ"); the viseme track speaks Flite's CMU
 * phone names ("ow", "r", "ch"). This maps one to the other, closely enough for the mouth:
 * stress and length marks are dropped, r-coloured vowels keep their vowel, and anything
 * unknown (other languages' sounds) becomes a schwa, which the track shows as a relaxed,
 * half-open mouth.
 */

const IPA_TO_CMU: Readonly<Record<string, string>> = {
  // Consonants.
  p: 'p',
  b: 'b',
  m: 'm',
  f: 'f',
  v: 'v',
  θ: 'th',
  ð: 'dh',
  t: 't',
  d: 'd',
  n: 'n',
  l: 'l',
  ɫ: 'l',
  ɾ: 'd',
  ʔ: 't',
  k: 'k',
  g: 'g',
  ɡ: 'g',
  x: 'k',
  ŋ: 'ng',
  tʃ: 'ch',
  dʒ: 'jh',
  ʃ: 'sh',
  ʒ: 'zh',
  s: 's',
  z: 'z',
  ɹ: 'r',
  r: 'r',
  ʁ: 'r',
  w: 'w',
  ʍ: 'w',
  j: 'y',
  h: 'hh',
  ç: 'hh',
  // Vowels and diphthongs.
  ə: 'ax',
  ɚ: 'er',
  ɜ: 'er',
  æ: 'ae',
  a: 'aa',
  ɑ: 'aa',
  ɒ: 'aa',
  ɐ: 'ah',
  ʌ: 'ah',
  ɔ: 'ao',
  ɛ: 'eh',
  e: 'eh',
  eɪ: 'ey',
  ɪ: 'ih',
  ᵻ: 'ih',
  ɨ: 'ih',
  i: 'iy',
  ʊ: 'uh',
  u: 'uw',
  ɯ: 'uw',
  y: 'uw',
  o: 'ow',
  oʊ: 'ow',
  əʊ: 'ow',
  ø: 'ow',
  œ: 'ow',
  aɪ: 'ay',
  aʊ: 'aw',
  ɔɪ: 'oy',
};

/** Stress, length, syllabicity and tie marks that do not change the mouth. */
const MARKS = /ˈ|ˌ|ː|ˑ|\u0329|\u032f|\u0361|‿|ʲ|ʰ/gu;

/** The CMU phone for one eSpeak IPA phoneme; '' (a pause) gives 'pau'. */
export function cmuPhone(ipa: string): string {
  const bare = ipa.replace(MARKS, '').trim();
  if (bare === '' || bare === '_') return 'pau';
  const direct = IPA_TO_CMU[bare];
  if (direct) return direct;
  // r-coloured vowel ("ɛɹ" in "bear"): the vowel is what the mouth shows.
  const withoutR = bare.replace(/[ɹr˞]$/u, '');
  if (withoutR !== bare && IPA_TO_CMU[withoutR]) return IPA_TO_CMU[withoutR] ?? 'ax';
  // Otherwise the first two characters, then the first one (a nasalised or unusual vowel).
  return IPA_TO_CMU[bare.slice(0, 2)] ?? IPA_TO_CMU[bare.slice(0, 1)] ?? 'ax';
}
