/**
 * The plugin with `@livekit/agents` 1.9 itself as the sender, against a real Facecast stack
 * (scripts/agents-plugin.ts starts it inside the test network namespace and passes its URLs,
 * an API key, a ready avatar and a 24 kHz Flite utterance in the environment).
 *
 * A test agent (rtc-node 0.13, identity `test-agent`) joins a fresh room and starts the face
 * with `AvatarSession.start`, given a stand-in for the AgentSession that has only the
 * `output.audio` the plugin sets: the audio output is the framework's own
 * `DataStreamAudioOutput`, and the test drives it as the framework does (captureFrame, flush,
 * clearBuffer, waitForPlayout, playbackFinished). A viewer on the current rtc-node (1.1, a
 * third party as a user's app would be: support/viewer.ts) listens and watches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeLogger, voice } from '@livekit/agents';
import { AudioFrame, Room, dispose } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { AvatarSession, FacecastError } from '@facecast/livekit-agents';
import { required } from './support/env.js';
import {
  SPEECH_RMS,
  firstLoudAfter,
  regionDiff,
  silenceAfter,
  silenceReadAfter,
  type Box,
} from './support/measures.js';
import {
  disposeViewerRtc,
  joinAsViewer,
  type Level,
  type RgbaFrame,
  type Viewer,
} from './support/viewer.js';
import { readWav } from './support/wav.js';
import { sleep, waitUntil, within } from './support/wait.js';

const FRAME_MS = 20;
/** clearBuffer → silence at the viewer, ms (the goal is 150: see the clear test). */
const CLEAR_SILENCE_MAX_MS = 400;
const AGENT = 'test-agent';

describe('the Facecast plugin with @livekit/agents', () => {
  const livekitUrl = required('LIVEKIT_URL');
  const apiKey = required('LIVEKIT_API_KEY');
  const apiSecret = required('LIVEKIT_API_SECRET');
  const regions = JSON.parse(required('FACECAST_TEST_REGIONS')) as {
    mouth: Box;
    far: Box;
    sizePx: number;
  };
  const utterance = readWav(required('FACECAST_TEST_WAV'));
  const utteranceSeconds = utterance.pcm.length / utterance.sampleRateHz;
  const roomName = `agents-plugin-${Math.random().toString(36).slice(2, 8)}`;

  let agentRoom: Room;
  let viewer: Viewer;
  let avatar: AvatarSession;
  let output: voice.DataStreamAudioOutput;
  let levels: Level[];
  let latestFrame: () => RgbaFrame | undefined;
  const stops: Array<() => void> = [];
  const finished: voice.PlaybackFinishedEvent[] = [];

  const token = (identity: string) => {
    const at = new AccessToken(apiKey, apiSecret, { identity });
    at.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
    return at.toJwt();
  };

  /** Pushes `pcm` through the output as a TTS does: 20 ms frames, each its own buffer. */
  const speak = async (pcm: Int16Array) => {
    const rate = utterance.sampleRateHz;
    const step = (rate / 1000) * FRAME_MS;
    for (let at = 0; at < pcm.length; at += step) {
      const samples = pcm.slice(at, at + step);
      await output.captureFrame(new AudioFrame(samples, rate, 1, samples.length));
    }
    output.flush();
  };

  before(async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    agentRoom = new Room();
    await agentRoom.connect(livekitUrl, await token(AGENT), {
      autoSubscribe: false,
      dynacast: false,
    });
    viewer = await joinAsViewer(livekitUrl, await token('viewer'));

    avatar = new AvatarSession({ avatarId: required('FACECAST_TEST_AVATAR_ID') });
    const agentSession: { output: { audio: voice.AudioOutput | null } } = {
      output: { audio: null },
    };
    const startedAt = performance.now();
    await within(avatar.start(agentSession, agentRoom), 90_000, 'AvatarSession.start');
    console.log(`AvatarSession.start: ${Math.round(performance.now() - startedAt)} ms`);
    assert.ok(
      agentSession.output.audio instanceof voice.DataStreamAudioOutput,
      'the agent speaks through @livekit/agents’ DataStreamAudioOutput',
    );
    output = agentSession.output.audio;
    output.on(voice.AudioOutput.EVENT_PLAYBACK_FINISHED, (ev: voice.PlaybackFinishedEvent) =>
      finished.push(ev),
    );

    const identity = avatar.avatarParticipantIdentity;
    const video = viewer.recordVideo(await viewer.waitForTrack(identity, 'video'));
    const audio = viewer.recordAudio(await viewer.waitForTrack(identity, 'audio'));
    stops.push(
      () => video.stop(),
      () => audio.stop(),
    );
    levels = audio.levels;
    latestFrame = () => video.latest();
    await waitUntil(() => latestFrame() !== undefined, 10_000, 'the first video frame');
    await sleep(1_000);
  });

  after(async () => {
    for (const stop of stops) stop();
    await avatar?.stop().catch(() => undefined);
    await viewer?.room.disconnect().catch(() => undefined);
    await agentRoom?.disconnect().catch(() => undefined);
    await dispose();
    await disposeViewerRtc();
  });

  it('refuses to start without its settings, saying which', () => {
    assert.throws(
      () => new AvatarSession({ avatarId: 'x', baseUrl: 'http://127.0.0.1:9', apiKey: '' }),
      (error: unknown) => error instanceof FacecastError && /apiKey/.test(error.message),
    );
  });

  it('passes on the server’s refusal', async () => {
    const wrong = new AvatarSession({ avatarId: 'no-such-avatar' });
    await assert.rejects(
      wrong.start({ output: { audio: null } }, agentRoom, {
        livekitUrl,
        livekitApiKey: apiKey,
        livekitApiSecret: apiSecret,
      }),
      (error: unknown) =>
        error instanceof FacecastError && error.status === 404 && /not found/i.test(error.message),
    );
  });

  it('speaks an utterance with a moving mouth; playbackFinished has its length', async () => {
    finished.length = 0;
    const idle = latestFrame()!;
    const sentAt = performance.now();
    await speak(utterance.pcm);
    const playout = output.waitForPlayout();
    await waitUntil(
      () => firstLoudAfter(levels, sentAt) !== undefined,
      5_000,
      'speech at the viewer',
    );
    const heardAt = firstLoudAfter(levels, sentAt)!;

    let mouth = 0;
    let far = 0;
    for (let i = 0; i < 15; i++) {
      await sleep(80);
      const frame = latestFrame();
      if (!frame) continue;
      const diff = regionDiff(frame, idle, regions.mouth, regions.sizePx);
      if (diff > mouth) {
        mouth = diff;
        far = regionDiff(frame, idle, regions.far, regions.sizePx);
      }
    }
    const event = await within(playout, 20_000, 'waitForPlayout()');
    console.log(
      `utterance ${utteranceSeconds.toFixed(3)} s: audible ${Math.round(heardAt - sentAt)} ms after the first captureFrame; ` +
        `mouth diff ${mouth.toFixed(1)} (far ${far.toFixed(1)}); ` +
        `playbackFinished ${event.playbackPosition.toFixed(3)} s, interrupted ${event.interrupted}`,
    );
    assert.ok(heardAt - sentAt < 2_000, `heard ${Math.round(heardAt - sentAt)} ms after sending`);
    assert.ok(mouth > 8, `the mouth region moves (${mouth.toFixed(1)})`);
    assert.ok(mouth > far * 4 + 2, `more than far from the face (${far.toFixed(1)})`);
    assert.equal(finished.length, 1);
    assert.equal(event.interrupted, false);
    assert.ok(
      Math.abs(event.playbackPosition - utteranceSeconds) < 0.1,
      `playback_position ${event.playbackPosition} s for ${utteranceSeconds.toFixed(3)} s`,
    );
  });

  it('clearBuffer mid-utterance: silence at once, playbackFinished interrupted', async () => {
    finished.length = 0;
    const long = new Int16Array(utterance.pcm.length * 3);
    for (let k = 0; k < 3; k++) long.set(utterance.pcm, k * utterance.pcm.length);
    const sentAt = performance.now();
    await speak(long);
    const playout = output.waitForPlayout();
    await waitUntil(
      () => firstLoudAfter(levels, sentAt) !== undefined,
      5_000,
      'speech at the viewer',
    );
    await sleep(1_500);
    const clearAt = performance.now();
    const clearEpochMs = Date.now();
    output.clearBuffer();
    await waitUntil(
      () => silenceAfter(levels, clearAt) !== undefined,
      5_000,
      'silence after clearBuffer',
    );
    const silentMs = silenceAfter(levels, clearAt)! - clearAt;
    const loudAfterClear = levels.filter((l) => l.atMs > clearAt && l.rms > SPEECH_RMS).length;
    const event = await within(playout, 5_000, 'waitForPlayout() after clearBuffer');
    await waitUntil(
      () => silenceReadAfter(levels, clearAt) !== undefined,
      5_000,
      'silence read after clearBuffer',
    );
    const silentReadMs = silenceReadAfter(levels, clearAt)! - clearAt;
    console.log(
      `clearBuffer → silence at the viewer ${Math.round(silentMs)} ms (read by this process after ${Math.round(silentReadMs)} ms; ` +
        `${loudAfterClear} loud frames read after the clear; clear sent at ${clearEpochMs}); ` +
        `playbackFinished ${event.playbackPosition.toFixed(3)} s of ${(long.length / utterance.sampleRateHz).toFixed(3)} s, interrupted ${event.interrupted}`,
    );
    // The worker logs the clear a few ms after it is sent; what the viewer still hears is
    // audio already on its way, which depends on the viewer's receiver and the machine's load:
    // 63-82 ms on a quiet machine, 123-442 ms with two busy processes beside the stack
    // (docs/livekit-agents.md). The bound proves the clear acts (without it, 11 s more would
    // play); the 150 ms goal is `npm run bench -- agent`'s p50.
    assert.ok(
      silentMs < CLEAR_SILENCE_MAX_MS,
      `silent ${Math.round(silentMs)} ms after clearBuffer`,
    );
    assert.equal(event.interrupted, true);
    assert.ok(event.playbackPosition > 1);
    assert.ok(event.playbackPosition < long.length / utterance.sampleRateHz);
    assert.equal(finished.length, 1);
  });

  it('clearBuffer when idle changes nothing; the next utterance plays whole', async () => {
    finished.length = 0;
    output.clearBuffer();
    await sleep(300);
    assert.equal(finished.length, 0);
    await within(output.waitForPlayout(), 1_000, 'waitForPlayout() when idle');

    const second = utterance.pcm.subarray(0, utterance.sampleRateHz);
    const sentAt = performance.now();
    await speak(second);
    const event = await within(output.waitForPlayout(), 10_000, 'waitForPlayout()');
    assert.ok(firstLoudAfter(levels, sentAt) !== undefined, 'the viewer heard it');
    assert.equal(event.interrupted, false);
    assert.ok(Math.abs(event.playbackPosition - 1) < 0.1, `${event.playbackPosition} s of 1 s`);
  });

  it('stop() ends the face: the avatar leaves the room', async () => {
    const identity = avatar.avatarParticipantIdentity;
    assert.ok(agentRoom.remoteParticipants.has(identity));
    await avatar.stop();
    await waitUntil(
      () => !agentRoom.remoteParticipants.has(identity),
      15_000,
      'the avatar to leave the room',
    );
  });
});
