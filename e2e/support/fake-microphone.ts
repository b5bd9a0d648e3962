/**
 * A Chromium whose microphone "says" a sentence: the sentence is synthesised with Flite into a
 * WAV (silence, the sentence near full scale as a browser's gain control would bring it, then
 * silence), and Chromium's fake capture device plays that file once to whoever opens the
 * microphone, with the permission prompt answered yes.
 */
import { writeFile } from 'node:fs/promises';
import type { Browser, BrowserType } from '@playwright/test';
import { createFliteTts } from '../../worker/tts/flite-tts';
import { encodeWav } from '../../worker/tts/wav';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium';

/** Writes `text` as spoken by Flite, with silence around it, to `file`; returns its length, ms. */
export async function writeSpokenWav(
  file: string,
  text: string,
  options: { leadingSilenceMs?: number; trailingSilenceMs?: number } = {},
): Promise<{ speechMs: number; totalMs: number }> {
  const tts = createFliteTts();
  try {
    const { pcm, sampleRateHz } = tts.synthesize(text, 'slt');
    const peak = pcm.reduce((max, v) => Math.max(max, Math.abs(v)), 1);
    const silence = (ms: number) => Math.round((ms / 1000) * sampleRateHz);
    const lead = silence(options.leadingSilenceMs ?? 1_500);
    const out = new Int16Array(lead + pcm.length + silence(options.trailingSilenceMs ?? 4_000));
    out.set(
      pcm.map((v) => Math.round((v * 26_000) / peak)),
      lead,
    );
    await writeFile(file, encodeWav(out, sampleRateHz));
    return {
      speechMs: (pcm.length / sampleRateHz) * 1000,
      totalMs: (out.length / sampleRateHz) * 1000,
    };
  } finally {
    tts.close();
  }
}

/**
 * Launches the suite's Chromium with a fake microphone playing `wavFile` once (`%noloop`;
 * silence after it), and media permission prompts accepted.
 */
export function launchWithFakeMicrophone(chromium: BrowserType, wavFile: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavFile}%noloop`,
    ],
  });
}
