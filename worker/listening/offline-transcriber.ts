/**
 * The worker host's offline recogniser: CMU PocketSphinx (Debian `pocketsphinx` with
 * `pocketsphinx-en-us`, installed by setup), one short-lived process per utterance, US
 * English only. Accuracy and cost are in docs/decisions/011-offline-speech-recognition.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const POCKETSPHINX_BIN = 'pocketsphinx_continuous';

/** Transcribes a 16 kHz mono WAV; resolves with the text ('' when nothing was recognised). */
export async function transcribeOffline(
  wav: Uint8Array,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'facecast-stt-'));
  const file = path.join(dir, 'speech.wav');
  try {
    await writeFile(file, wav);
    return await new Promise<string>((resolve, reject) => {
      execFile(
        POCKETSPHINX_BIN,
        ['-infile', file, '-logfn', '/dev/null'],
        { timeout: options.timeoutMs ?? 20_000, signal: options.signal, maxBuffer: 1 << 20 },
        (error, stdout) => {
          if (error) {
            const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
            reject(
              new Error(
                missing
                  ? `${POCKETSPHINX_BIN} is not installed: run npm start or npm test once (it installs the Debian packages pocketsphinx and pocketsphinx-en-us), or set FACECAST_TRANSCRIBER=openai`
                  : `offline recogniser failed: ${error.message}`,
              ),
            );
            return;
          }
          resolve(stdout.replace(/\s+/g, ' ').trim());
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
