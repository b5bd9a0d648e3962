/**
 * `npm test`'s agents-plugin step: the Node plugin (`plugins/livekit-agents`) with
 * `@livekit/agents` itself as the sender, against the whole stack. Starts the stack (LiveKit,
 * app, worker host) inside the test network namespace, signs in as the installation's admin
 * (the bootstrap's demo account), creates an API key and a ready avatar through the API,
 * writes a Flite sentence at 24 kHz (an agent's TTS rate) and a user's spoken question to WAVs,
 * starts the local OpenAI stand-in (tests/support/openai-stand-in.ts: chat, transcription and
 * speech, so the whole-agent test's STT, LLM and TTS call no paid service), and runs the
 * plugin's own tests (node's test runner, from the plugin's folder, with its own
 * `@livekit/rtc-node` 0.13 for the agent and 1.1 for the viewer, not the app's) with all of that in
 * their environment, plus where the root's Playwright, Debian's Chromium and `livekit-client`'s
 * browser build are for the test page.
 *
 * The JUnit report goes to FACECAST_TEST_JUNIT_FILE, where `npm test` counts the tests.
 * Arguments are test-name patterns (`npm test -- --only agents-plugin clear`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE, WEBRTC_PERMISSIONS } from '../e2e/support/chromium';
import { loadDemoPortrait } from '../lib/avatars/demo-portrait';
import { startOpenAiStandIn } from '../tests/support/openai-stand-in';
import { createResampler } from '../worker/audio/resample';
import { createFliteTts } from '../worker/tts/flite-tts';
import { encodeWav } from '../worker/tts/wav';
import { agentsPluginDir } from './lib/agents-plugin.mjs';
import { agentsPython, agentsPythonCheck } from './lib/agents-python.mjs';
import { DEV_KEYS } from './lib/livekit-config.mjs';
import { withTestStack } from './lib/test-stack';

const root = path.resolve(import.meta.dirname, '..');

/** The agent's TTS rate: agents send 24 kHz (OpenAI, Cartesia). */
const AGENT_RATE_HZ = 24_000;
const SENTENCE = 'Hello, I am the face of your agent, and I speak what it sends me.';
/** What the whole-agent test's user says, and what the stand-in STT "hears". */
const QUESTION = 'What can you tell me about Facecast?';
/** The stand-in LLM's answer: two sentences, so the agent's TTS asks for speech twice. */
const ANSWER = 'Facecast gives your agent a face. I speak what the agent says.';

/** A box in the avatar's video, px (the prepared avatar is 512 px square). */
interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Uploads the demo portrait and waits until the avatar is ready; returns its id. */
async function createReadyAvatar(appUrl: string, apiKey: string): Promise<string> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const form = new FormData();
  form.set('name', `Agent face ${randomBytes(3).toString('hex')}`);
  form.set(
    'image',
    new Blob([new Uint8Array(await loadDemoPortrait())], { type: 'image/jpeg' }),
    'portrait.jpg',
  );
  const created = await fetch(new URL('/api/v1/avatars', appUrl), {
    method: 'POST',
    headers,
    body: form,
  });
  if (created.status !== 201) {
    throw new Error(`uploading the avatar failed: ${created.status} ${await created.text()}`);
  }
  const { id } = (await created.json()) as { id: string };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(new URL(`/api/v1/avatars/${id}`, appUrl), { headers });
    const body = (await res.json()) as { status: string; error?: string };
    if (body.status === 'ready') return id;
    if (body.status !== 'preparing') {
      throw new Error(`the avatar ended ${body.status}: ${body.error ?? ''}`);
    }
    if (Date.now() > deadline) throw new Error('the avatar was not ready within 120 s');
    await sleep(500);
  }
}

/**
 * The mouth box and a far-from-the-face box in the avatar's frame, from the prepared
 * avatar's face landmarks (MediaPipe FaceMesh: 61/291 mouth corners, 0 upper lip top, 152
 * chin), as the e2e suite measures them.
 */
function regionsOf(dataDir: string, avatarId: string): { mouth: Box; far: Box; sizePx: number } {
  const facePath = path.join(dataDir, 'avatars', avatarId, 'face.json');
  const prepared = JSON.parse(fs.readFileSync(facePath, 'utf8')) as {
    widthPx: number;
    face: { landmarks: Array<[number, number]> };
  };
  const point = (index: number): [number, number] => {
    const p = prepared.face.landmarks[index];
    if (!p) throw new Error(`${facePath} lacks landmark ${index}`);
    return p;
  };
  const [leftX] = point(61);
  const [rightX] = point(291);
  const [, topY] = point(0);
  const [, chinY] = point(152);
  const margin = 0.15 * (rightX - leftX);
  return {
    mouth: { x0: leftX - margin, x1: rightX + margin, y0: topY - margin, y1: chinY },
    // The top-left corner: background, far from the face.
    far: { x0: 0, y0: 0, x1: 64, y1: 64 },
    sizePx: prepared.widthPx,
  };
}

/** Runs a command with inherited output; resolves with its exit code. */
function runTool(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<number>((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** One JUnit report made of several (their <testsuite> elements side by side). */
function joinJunit(files: string[], target: string): void {
  const suites = files
    .filter((file) => fs.existsSync(file))
    .map((file) =>
      fs
        .readFileSync(file, 'utf8')
        .replace(/<\?xml[^>]*\?>/, '')
        .replace(/<\/?testsuites[^>]*>/g, '')
        .trim(),
    );
  fs.writeFileSync(
    target,
    `<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`,
  );
}

/** Runs the plugin's tests; resolves with node's exit code. */
function runPluginTests(
  env: NodeJS.ProcessEnv,
  patterns: string[],
  report: string,
): Promise<number> {
  const args = [
    '--test',
    // One file at a time: each starts a face on the stack's one worker host and measures it.
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${report}`,
    ...patterns.map((p) => `--test-name-pattern=${p}`),
    // The test files only: node 20 runs every .js file of a directory it is given.
    ...fs
      .readdirSync(path.join(agentsPluginDir, 'dist', 'test'))
      .filter((name) => name.endsWith('.test.js'))
      .map((name) => path.join('dist', 'test', name)),
  ];
  return runTool(process.execPath, args, agentsPluginDir, env);
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(agentsPluginDir, 'dist', 'test'))) {
    throw new Error('the plugin is not built: run `npm test -- --only agents-plugin`');
  }
  return withTestStack({
    name: 'agents-plugin',
    // The demo account is the admin: an agent's LiveKit on loopback is allowed for admins.
    scopes: ['read', 'sessions', 'avatars'],
    keepDataEnv: 'FACECAST_AGENTS_PLUGIN_KEEP_DATA',
    run: async ({ stack, appUrl, apiKey: key, dataDir }) => {
      const avatarId = await createReadyAvatar(appUrl, key);
      const regions = regionsOf(dataDir, avatarId);

      const flite = createFliteTts();
      const spoken = flite.synthesize(SENTENCE);
      const sentence = createResampler(spoken.sampleRateHz, AGENT_RATE_HZ).resample(spoken.pcm);
      const wavPath = path.join(dataDir, 'utterance.wav');
      fs.writeFileSync(wavPath, encodeWav(sentence, AGENT_RATE_HZ));
      const question = flite.synthesize(QUESTION);
      const questionPath = path.join(dataDir, 'question.wav');
      fs.writeFileSync(
        questionPath,
        encodeWav(
          createResampler(question.sampleRateHz, AGENT_RATE_HZ).resample(question.pcm),
          AGENT_RATE_HZ,
        ),
      );
      flite.close();
      process.stdout.write(
        `agents-plugin: avatar ${avatarId} ready; ${(sentence.length / AGENT_RATE_HZ).toFixed(3)} s utterance in ${wavPath}\n`,
      );

      // Stands in for OpenAI (paid): on loopback in the test namespace, this process.
      const openAi = await startOpenAiStandIn();
      openAi.transcription.set({ text: QUESTION });
      openAi.chat.set({ answer: ANSWER, firstTokenDelayMs: 100, tokenIntervalMs: 20 });

      const requireFromRoot = createRequire(path.join(root, 'package.json'));
      const testEnv = {
        ...process.env,
        FACECAST_URL: appUrl,
        FACECAST_API_KEY: key,
        FACECAST_TEST_AVATAR_ID: avatarId,
        FACECAST_TEST_WAV: wavPath,
        FACECAST_TEST_REGIONS: JSON.stringify(regions),
        FACECAST_TEST_QUESTION_WAV: questionPath,
        FACECAST_TEST_CONVERSATION: JSON.stringify({ question: QUESTION, answer: ANSWER }),
        FACECAST_TEST_OPENAI_URL: openAi.url,
        FACECAST_TEST_BROWSER: JSON.stringify({
          playwright: requireFromRoot.resolve('playwright-core'),
          executablePath: CHROMIUM_EXECUTABLE,
          args: CHROMIUM_ARGS,
          permissions: WEBRTC_PERMISSIONS,
          // Its `require` entry is the UMD build, which defines `LivekitClient` in a page.
          livekitClient: requireFromRoot.resolve('livekit-client'),
        }),
        LIVEKIT_URL: stack.urls.livekit,
        LIVEKIT_API_KEY: DEV_KEYS.apiKey,
        LIVEKIT_API_SECRET: DEV_KEYS.apiSecret,
      };
      const nodeReport = path.join(dataDir, 'node-junit.xml');
      const pythonReport = path.join(dataDir, 'python-junit.xml');
      const nodeCode = await runPluginTests(testEnv, process.argv.slice(2), nodeReport).finally(
        () => openAi.close(),
      );
      // The same with Python's livekit-agents (the real Python sender), in its own venv.
      process.stdout.write('agents-plugin: the Python agent (livekit-agents from PyPI)\n');
      const pythonCode = await runTool(agentsPython, [agentsPythonCheck], root, {
        ...testEnv,
        FACECAST_AVATAR_ID: avatarId,
        FACECAST_SPEECH_WAV: wavPath,
        FACECAST_TEST_JUNIT_FILE: pythonReport,
      });
      const report = process.env.FACECAST_TEST_JUNIT_FILE;
      if (report) joinJunit([nodeReport, pythonReport], report);
      return nodeCode !== 0 ? nodeCode : pythonCode;
    },
  });
}

process.exit(await main());
