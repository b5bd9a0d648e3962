import { describe, expect, it } from 'vitest';
import { createFliteTts } from '../tts/flite-tts';
import { VoiceActivity, type VoiceActivityEvent } from './voice-activity';

const RATE = 16_000;
const FRAME = 160; // 10 ms, what rtc-node's AudioStream hands out

/** Feeds audio in 10 ms frames starting at `startMs`; returns the events with their times. */
function feed(vad: VoiceActivity, pcm: Int16Array, startMs = 0) {
  const events: (VoiceActivityEvent & { fedAtMs: number })[] = [];
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
    const atMs = startMs + ((i + FRAME) / RATE) * 1000;
    for (const e of vad.push(pcm.subarray(i, i + FRAME), atMs))
      events.push({ ...e, fedAtMs: atMs });
  }
  return events;
}

const silence = (ms: number, noise = 0) => {
  const pcm = new Int16Array((RATE * ms) / 1000);
  // Deterministic low noise: a room, a fan.
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(noise * Math.sin(i * 12.9898) * 1.7);
  return pcm;
};
const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const scaled = (pcm: Int16Array, gain: number) => pcm.map((v) => Math.round(v * gain));

describe('VoiceActivity', () => {
  const tts = createFliteTts();
  const question = tts.synthesize('What time does the museum open tomorrow?', 'slt').pcm;
  const questionMs = (question.length / RATE) * 1000;

  it('finds one turn in speech between silences, ending after the configured silence', () => {
    const vad = new VoiceActivity({ sampleRateHz: RATE, endOfTurnSilenceMs: 700 });
    const all = feed(vad, concat(silence(1000, 40), question, silence(1500, 40)));
    const events = all.filter((e) => e.type !== 'pause');
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    const start = events[0]!;
    const end = events[1]! as Extract<VoiceActivityEvent, { type: 'end' }> & { fedAtMs: number };
    // The last pause before the end covers the same audio: a transcript made then is valid.
    const pauses = all.filter((e) => e.type === 'pause');
    expect(pauses.length).toBeGreaterThan(0);
    expect(pauses.at(-1)!.version).toBe(end.version);
    expect(end.fedAtMs - pauses.at(-1)!.fedAtMs).toBeGreaterThan(300);
    // Starts near the first sound (Flite opens with ~200 ms of pause), ends 700 ms into the
    // silence after the question.
    expect(start.fedAtMs).toBeGreaterThan(1_100);
    expect(start.fedAtMs).toBeLessThan(1_450);
    expect(end.fedAtMs - (1000 + questionMs)).toBeGreaterThan(400);
    expect(end.fedAtMs - (1000 + questionMs)).toBeLessThan(800);
    // The turn holds the whole question (pre-roll included), not the long silence after it.
    const turnMs = (end.pcm.length / RATE) * 1000;
    expect(turnMs).toBeGreaterThan(questionMs - 300);
    expect(turnMs).toBeLessThan(questionMs + 700);
  });

  it('a short click or cough is no turn', () => {
    const vad = new VoiceActivity({ sampleRateHz: RATE, endOfTurnSilenceMs: 500 });
    const click = scaled(question.subarray(RATE * 0.3, RATE * 0.45), 1);
    const events = feed(vad, concat(silence(500), click, silence(1000)));
    expect(events.map((e) => e.type)).not.toContain('end');
  });

  it('while the avatar speaks, its quiet echo does not start a turn but a person does', () => {
    const vad = new VoiceActivity({ sampleRateHz: RATE, endOfTurnSilenceMs: 600 });
    feed(vad, silence(1000, 40));
    vad.avatarSpeaking = true;
    // The avatar's voice leaking back at a fifth of the level.
    const echo = feed(vad, scaled(question, 0.08), 1000);
    expect(echo.map((e) => e.type)).toEqual([]);
    const person = feed(vad, concat(question, silence(1000, 40)), 5000);
    expect(person.map((e) => e.type).filter((t) => t !== 'pause')).toEqual(['start', 'end']);
  });

  it('30 s of silence with room noise is no turn', () => {
    const vad = new VoiceActivity({ sampleRateHz: RATE, endOfTurnSilenceMs: 800 });
    expect(feed(vad, silence(30_000, 120))).toEqual([]);
  });
});
