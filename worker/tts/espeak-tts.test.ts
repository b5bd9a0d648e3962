/**
 * The eSpeak NG plugin end to end: installs plugins/espeak-ng's package.json into a temp
 * folder from the npm registry (as `npm run plugin:espeak-ng` does into the plugin folder),
 * then speaks through it on the TTS thread. The GPL package is never a dependency of the main
 * package: this test is the only place that installs it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmsEnvelope } from '../audio/mouth-envelope';
import { pino } from 'pino';
import { createLogger, type Logger } from '../log';
import { pearson } from '../testing/signal-stats';
import { mouthTrack } from '../visemes/mouth-driver';
import { cmuPhone } from './espeak-phones';
import { pluginStatus } from '../../protocol/plugins';
import { createSessionTts, type SessionTts } from './session-tts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const pluginsDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-plugins-'));
const log = createLogger({ name: 'test', level: 'silent' });
let tts: SessionTts;

beforeAll(() => {
  const dir = path.join(pluginsDir, 'espeak-ng');
  mkdirSync(dir);
  for (const file of ['package.json', 'package-lock.json'])
    copyFileSync(path.join(repoRoot, 'plugins/espeak-ng', file), path.join(dir, file));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'pipe',
  });
  tts = createSessionTts(
    { provider: 'espeak', voice: 'en-us' },
    { log, plugins: ['espeak-ng'], pluginLocation: { pluginsDir }, sampleRateHz: 16_000 },
  );
}, 180_000);
afterAll(async () => {
  await tts.close();
  rmSync(pluginsDir, { recursive: true, force: true });
});

describe('eSpeak NG plugin', () => {
  it('is not a dependency of the main package', () => {
    const manifest = readFileSync(path.join(repoRoot, 'package.json'), 'utf8');
    expect(manifest).not.toContain('espeak-ng-emscripten');
    const lock = readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8');
    expect(lock).not.toContain('espeak-ng-emscripten');
  });

  it('is found only when enabled and installed', () => {
    expect(pluginStatus('espeak-ng', ['espeak-ng'], { pluginsDir })).toMatchObject({ ok: true });
    expect(pluginStatus('espeak-ng', [], { pluginsDir })).toMatchObject({
      ok: false,
      reason: 'not_enabled',
    });
    const empty = mkdtempSync(path.join(os.tmpdir(), 'facecast-no-plugins-'));
    expect(pluginStatus('espeak-ng', ['espeak-ng'], { pluginsDir: empty })).toMatchObject({
      ok: false,
      reason: 'not_installed',
      message: expect.stringContaining('npm run plugin:espeak-ng') as string,
    });
    rmSync(empty, { recursive: true });
  });

  it('speaks a sentence at 16 kHz with phoneme timings that drive the mouth', async () => {
    expect(tts.provider).toBe('espeak');
    const speech = await tts.synthesize('Bob bought a big blue map.', 'slt', 1);
    expect(speech.sampleRateHz).toBe(16_000);
    const seconds = speech.pcm.length / 16_000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(4);
    const rms = rmsEnvelope(speech.pcm, 640);
    expect(Math.max(...rms)).toBeGreaterThan(1_000);
    // Phones in order, covering the audio, with the bilabials of "Bob", "big", "blue", "map".
    const names = speech.phones.map((p) => p.phone);
    expect(names.filter((p) => p === 'b' || p === 'm' || p === 'p').length).toBeGreaterThanOrEqual(
      5,
    );
    for (let i = 1; i < speech.phones.length; i++)
      expect(speech.phones[i]?.startMs).toBeCloseTo(speech.phones[i - 1]?.endMs ?? -1, 6);
    expect(speech.phones.at(-1)?.endMs).toBeCloseTo(seconds * 1000, -1);
    // The viseme path: lips shut on each bilabial, open with the sound elsewhere.
    const { openness } = mouthTrack(speech, { fps: 25 });
    for (const p of speech.phones.filter((q) => ['b', 'm', 'p'].includes(q.phone))) {
      const mid = Math.floor((p.startMs + p.endMs) / 2 / 40);
      expect(openness[mid], `${p.phone} at ${p.startMs} ms`).toBeLessThan(0.1);
    }
    expect(pearson(openness, rms)).toBeGreaterThan(0.6);
  });

  it('speaks faster at a higher rate', async () => {
    const slow = await tts.synthesize(
      'The quick brown fox jumps over the lazy dog.',
      undefined,
      0.75,
    );
    const fast = await tts.synthesize(
      'The quick brown fox jumps over the lazy dog.',
      undefined,
      1.5,
    );
    expect(fast.pcm.length).toBeLessThan(slow.pcm.length * 0.7);
  });
});

describe('a session asking for eSpeak without the plugin', () => {
  it('speaks with the built-in voice and logs why', async () => {
    const lines: { msg: string; reason?: string; hint?: string }[] = [];
    const capture = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
    ) as Logger;
    const fallback = createSessionTts(
      { provider: 'espeak', voice: 'de' },
      { log: capture, plugins: [], pluginLocation: { pluginsDir }, sampleRateHz: 16_000 },
    );
    try {
      expect(fallback.provider).toBe('flite');
      const speech = await fallback.synthesize('Still speaking.', 'slt', 1);
      expect(speech.pcm.length).toBeGreaterThan(8_000);
      // Flite's phone names, not eSpeak's.
      expect(speech.phones.some((p) => p.phone === 'iy')).toBe(true);
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'speech provider unavailable, speaking with the built-in voice',
          reason: 'not_enabled',
          hint: expect.stringContaining('FACECAST_PLUGINS=espeak-ng') as string,
        }),
      );
    } finally {
      await fallback.close();
    }
  });
});

describe('IPA to CMU phones', () => {
  it('maps eSpeak phonemes to the names the viseme track knows', () => {
    expect(['h', 'ə', 'l', 'ˈoʊ', 'w', 'ˈɜː', 'tʃ', 'dʒ', 'ˈɛɹ', 'ɡ', ''].map(cmuPhone)).toEqual([
      'hh',
      'ax',
      'l',
      'ow',
      'w',
      'er',
      'ch',
      'jh',
      'eh',
      'g',
      'pau',
    ]);
    expect(cmuPhone('ʘ')).toBe('ax');
  });
});
