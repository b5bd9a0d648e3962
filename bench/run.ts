/**
 * Benchmarks: npm run bench -- <name> [--json]
 * Prints a table; with --json the last line is one JSON object with the figures.
 */
import os from 'node:os';
import { agentBench } from './agent';
import { apiBench } from './api';
import { bookingBench } from './booking';
import { conversationBench } from './conversation';
import { faultsBench } from './faults';
import { melBench } from './mel';
import { poolBench } from './pool';
import { renderBench } from './render';
import { sessionBench } from './session';
import { ttsBench } from './tts';
import { viewersBench } from './viewers';

export type BenchResult = Record<string, number | string | null>;

const benches: Record<string, { describe: string; run: () => Promise<BenchResult> }> = {
  render: {
    describe: 'per-frame cost of renderer v2 (I420, one core) at 512 and 720 px while speaking',
    run: renderBench,
  },
  mel: { describe: 'Wav2Lip mel spectrogram per second of audio', run: melBench },
  tts: { describe: 'offline speech synthesis speed (Flite) per sentence', run: ttsBench },
  session: {
    describe: 'one live session at a real viewer: fps, first frame, speak-to-audio latency',
    run: sessionBench,
  },
  conversation: {
    describe:
      'conversation at a real viewer: speak/model-sentence → audio, interrupt → silence, A/V offset',
    run: conversationBench,
  },
  agent: {
    describe:
      "a LiveKit Agent's face at a real viewer: agent audio → avatar audio, clear_buffer → silence, fps, A/V offset",
    run: agentBench,
  },
  booking: {
    describe:
      '200 clients book overlapping slots at once through the REST API: overbooked, p50/p99 (PGlite, PostgreSQL)',
    run: bookingBench,
  },
  api: {
    describe:
      '200 clients on the REST API for 60 s (lists, tokens, messages, bookings, sessions): p50/p99, errors, app memory',
    run: apiBench,
  },
  pool: {
    describe:
      'worker pool: max sessions at 25 fps, first frame, PSS per extra session, recovery (--max-sessions N)',
    run: poolBench,
  },
  faults: {
    describe:
      'faults on the real platform: kill -9 of a session process and of a worker host (two hosts), the app killed mid-preparation → recovery times',
    run: faultsBench,
  },
  viewers: {
    describe:
      'subscribers (Go, RTP only, no decoding) on one talking session: max viewers at 24 fps, freezes (--max-viewers N)',
    run: viewersBench,
  },
};

async function main(): Promise<void> {
  const [name] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const json = process.argv.includes('--json');
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    console.log('Usage: npm run bench -- <name> [--json]\n');
    for (const [key, value] of Object.entries(benches))
      console.log(`  ${key.padEnd(8)} ${value.describe}`);
    process.exitCode = name ? 2 : 0;
    return;
  }
  const result: BenchResult = {
    bench: name!,
    machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    ...(await bench.run()),
  };
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(width)}  ${value}`);
  if (json) console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
