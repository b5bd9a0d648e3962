/**
 * The agent benchmark's Python sender (bench/agent-python-sender.py): `livekit-agents` from
 * PyPI in `.venv-agents` (made by `npm test -- --only agents-plugin`), driven over stdin. It
 * sends a segment all at once, as the Python check and a faster-than-real-time TTS do, and
 * stamps the moment it calls `clear_buffer()` (epoch ms).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { TrackKind } from '@livekit/rtc-node';
import { agentsPython } from '@/scripts/lib/agents-python.mjs';
import { joinAsSubscriber } from '@/tests/integration/support/subscriber';
import type { WorkerHost } from '@/tests/integration/support/worker-host';
import { writeSyntheticAvatar } from '@/worker/testing/synthetic-avatar';
import { clearRounds, startFace } from './agent-clear';

const AGENT_PY = 'bench-agent-py';
const FACE_PY = 'bench-face-py';

export interface PythonSender {
  send(command: 'speak' | 'clear'): void;
  /** The next event of that name after those already taken. */
  next(event: string, timeoutMs: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** True when the venv with livekit-agents is there. */
export const pythonSenderAvailable = () => existsSync(agentsPython);

export async function startPythonSender(env: {
  livekitUrl: string;
  token: string;
  faceIdentity: string;
  pcmPath: string;
}): Promise<PythonSender> {
  const child = spawn(agentsPython, [path.join(import.meta.dirname, 'agent-python-sender.py')], {
    env: {
      ...process.env,
      LIVEKIT_URL: env.livekitUrl,
      FACECAST_BENCH_TOKEN: env.token,
      FACECAST_BENCH_FACE: env.faceIdentity,
      FACECAST_BENCH_PCM: env.pcmPath,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  const taken = new Set<Record<string, unknown>>();
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const sender: PythonSender = {
    send(command) {
      child.stdin.write(`${command}\n`);
    },
    async next(event, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.event === event && !taken.has(e));
        if (found) {
          taken.add(found);
          return found;
        }
        if (child.exitCode !== null) throw new Error(`the Python sender exited (${event})`);
        if (performance.now() > deadline) throw new Error(`no ${event} from the Python sender`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await sender.next('ready', 30_000);
  return sender;
}

/**
 * The clear rounds with the Python sender: a face of its own (room `<roomName>-py`, agent
 * `bench-agent-py`) on the same host, a viewer there, the long segment sent all at once.
 */
export async function pythonClearRounds(options: {
  livekit: { url: string; apiKey: string; apiSecret: string };
  worker: WorkerHost;
  dir: string;
  roomName: string;
  token: (identity: string, attributes?: Record<string, string>, room?: string) => Promise<string>;
  long: Int16Array;
}): Promise<{ silenceMs: number[]; faceMs: number[]; finished: number }> {
  const { livekit, worker, dir, token, long } = options;
  const roomName = `${options.roomName}-py`;
  const pcmPath = path.join(dir, 'long.pcm');
  writeFileSync(pcmPath, new Uint8Array(long.buffer, long.byteOffset, long.byteLength));
  const avatar = await writeSyntheticAvatar(path.join(dir, 'avatar-py.png'));
  const sender = await startPythonSender({
    livekitUrl: livekit.url,
    token: await token(AGENT_PY, undefined, roomName),
    faceIdentity: FACE_PY,
    pcmPath,
  });
  try {
    await startFace(worker, {
      roomName,
      avatar,
      livekitUrl: livekit.url,
      token: await token(FACE_PY, { 'lk.publish_on_behalf': AGENT_PY }, roomName),
      agentIdentity: AGENT_PY,
    });
    const viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'bench-viewer-py' });
    try {
      const audio = viewer.recordAudio(
        await viewer.waitForTrack(FACE_PY, TrackKind.KIND_AUDIO, 30_000),
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const rounds = await clearRounds(audio, worker, {
        speak: async () => {
          sender.send('speak');
          await sender.next('sent', 30_000);
        },
        clear: async () => {
          sender.send('clear');
          const { at_ms: atMs } = await sender.next('clear', 5_000);
          return (atMs as number) - performance.timeOrigin;
        },
      });
      audio.stop();
      let finished = 0;
      while (
        await sender.next('finished', 2_000).then(
          () => true,
          () => false,
        )
      )
        finished++;
      return { ...rounds, finished };
    } finally {
      await viewer.leave();
    }
  } finally {
    await sender.stop();
  }
}
