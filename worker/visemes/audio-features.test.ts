import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmsEnvelope } from '../audio/mouth-envelope';
import { pearson, seededNoise } from '../testing/signal-stats';
import { FLITE_VOICES, createFliteTts } from '../tts/flite-tts';
import { type SpeechAudio } from '../tts/speech-audio';
import { audioFeatures, audioMouthTrack } from './audio-features';
import { mouthTrack } from './mouth-driver';
import { NEUTRAL_POSE, POSE_KEYS, poseDistance } from './mouth-pose';

const SENTENCES = [
  'Hello there, my name is Facecast.',
  'Bob bought a big blue map, please pause.',
  'The quick brown fox jumps over the lazy dog.',
  'Would you measure the thick azure judge? Sing, king!',
  'Many men and women ran home in the morning rain.',
];
const FPS = 25;
const RATE = 16_000;

const tone = (ms: number, hz: number, amplitude: number) =>
  Int16Array.from({ length: (RATE * ms) / 1000 }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / RATE)),
  );
const noise = (ms: number, amplitude: number, seed = 1) =>
  Int16Array.from(seededNoise(seed, (RATE * ms) / 1000), (v) => Math.round(v * amplitude));

describe('audio features', () => {
  it('measure the centroid and zero crossings of known signals', () => {
    const low = audioFeatures(tone(400, 300, 8_000), RATE, FPS);
    const high = audioFeatures(tone(400, 3_000, 8_000), RATE, FPS);
    // A pure tone's centroid sits near its frequency; crossings are 2 per period.
    expect(low.centroidHz[5]).toBeGreaterThan(200);
    expect(low.centroidHz[5]).toBeLessThan(500);
    expect(high.centroidHz[5]).toBeGreaterThan(2_700);
    expect(high.centroidHz[5]).toBeLessThan(3_300);
    expect(low.zeroCrossingRate[5]).toBeCloseTo((2 * 300) / RATE, 2);
    expect(high.zeroCrossingRate[5]).toBeCloseTo((2 * 3_000) / RATE, 2);
    const white = audioFeatures(noise(400, 8_000), RATE, FPS);
    expect(white.zeroCrossingRate[5]).toBeGreaterThan(0.4);
    expect(white.centroidHz[5]).toBeGreaterThan(3_000);
  });
});

describe('mouth from audio features on Flite speech treated as foreign audio', () => {
  const tts = createFliteTts();
  const speechByVoice = new Map<string, SpeechAudio[]>();
  beforeAll(() => {
    for (const voice of FLITE_VOICES)
      speechByVoice.set(
        voice,
        SENTENCES.map((s) => tts.synthesize(s, voice)),
      );
  });
  afterAll(() => tts.close());

  it('opens with speech energy: r >= 0.6 against raw RMS per frame for every voice', () => {
    const measured: Record<string, number> = {};
    for (const voice of FLITE_VOICES) {
      const open: number[] = [];
      const rms: number[] = [];
      for (const speech of speechByVoice.get(voice) ?? []) {
        // The phones are ignored: only the audio goes in.
        const { openness } = audioMouthTrack(speech.pcm, speech.sampleRateHz, { fps: FPS });
        const frameRms = rmsEnvelope(speech.pcm, speech.sampleRateHz / FPS);
        expect(openness.length).toBe(frameRms.length);
        open.push(...openness);
        rms.push(...frameRms);
      }
      measured[voice] = Number(pearson(open, rms).toFixed(3));
    }
    console.info('audio-features openness vs RMS, r per voice:', measured);
    for (const r of Object.values(measured)) expect(r).toBeGreaterThanOrEqual(0.6);
  });

  it('is what mouthTrack returns for audio without phones', () => {
    const speech = speechByVoice.get('slt')?.[0];
    if (!speech) throw new Error('no speech');
    const foreign = mouthTrack({ ...speech, phones: [] }, { fps: FPS });
    const direct = audioMouthTrack(speech.pcm, speech.sampleRateHz, { fps: FPS });
    expect(foreign.openness).toEqual(direct.openness);
    expect(foreign.poses).toEqual(direct.poses);
  });

  it('moves smoothly: no control jumps more than 0.5 between 40 ms frames', () => {
    let largest = 0;
    for (const speech of [...speechByVoice.values()].flat()) {
      const { poses } = audioMouthTrack(speech.pcm, speech.sampleRateHz, { fps: FPS });
      for (let f = 1; f < poses.length; f++) {
        const a = poses[f - 1];
        const b = poses[f];
        if (a && b) largest = Math.max(largest, poseDistance(a, b));
      }
    }
    expect(largest).toBeLessThanOrEqual(0.5);
    expect(largest).toBeGreaterThan(0.2); // it does move
  });

  it('spreads the lips on "ee"/"s" and rounds them on "oo"', () => {
    const mean = (text: string, key: 'lipWidth' | 'lipRound') => {
      const speech = tts.synthesize(text, 'kal16');
      const { poses } = audioMouthTrack(speech.pcm, speech.sampleRateHz, { fps: FPS });
      const voiced = poses.filter((p) => p.jawOpen > 0.2);
      return voiced.reduce((sum, p) => sum + p[key], 0) / Math.max(1, voiced.length);
    };
    expect(mean('see sis seize cease', 'lipWidth')).toBeGreaterThan(
      mean('moo who woo you', 'lipWidth') + 0.1,
    );
    expect(mean('moo who woo you', 'lipRound')).toBeGreaterThan(
      mean('see sis seize cease', 'lipRound') + 0.1,
    );
  });
});

describe('mouth from audio features on synthetic signals', () => {
  it('rests in the neutral pose on silence', () => {
    const { poses, openness } = audioMouthTrack(new Int16Array(RATE), RATE, { fps: FPS });
    expect(poses).toHaveLength(FPS);
    for (const pose of poses) expect(pose).toEqual(NEUTRAL_POSE);
    expect([...openness].every((v) => v === 0)).toBe(true);
  });

  it('returns to neutral after speech and closes the lips in a short dip inside a word', () => {
    const pcm = new Int16Array(RATE * 1.5);
    pcm.set(tone(300, 250, 10_000), 0.1 * RATE);
    // A 60 ms gap, then more sound: a stop consonant's silence inside a word.
    pcm.set(tone(300, 250, 10_000), 0.46 * RATE);
    const { poses } = audioMouthTrack(pcm, RATE, { fps: 50 });
    const at = (ms: number) => poses[Math.floor(ms / 20)] ?? NEUTRAL_POSE;
    expect(at(300).jawOpen).toBeGreaterThan(0.6);
    expect(at(300).lipClosure).toBe(0);
    expect(at(450).lipClosure).toBeGreaterThan(0.5);
    expect(at(600).jawOpen).toBeGreaterThan(0.6);
    for (const key of POSE_KEYS) expect(at(1_400)[key]).toBeCloseTo(NEUTRAL_POSE[key], 2);
  });

  it('has one frame per started frame of audio and rejects a bad frame rate', () => {
    expect(audioMouthTrack(tone(1010, 200, 5_000), RATE, { fps: 50 }).poses).toHaveLength(51);
    expect(audioMouthTrack(new Int16Array(0), RATE, { fps: 50 }).poses).toEqual([]);
    expect(() => audioMouthTrack(tone(100, 200, 5_000), RATE, { fps: 0 })).toThrow();
  });
});
