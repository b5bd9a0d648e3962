/**
 * A whole agent with a Facecast face: `@livekit/agents`' own `voice.AgentSession` hears a user,
 * thinks and answers, and the answer is spoken by the avatar, which a viewer hears and a
 * Chromium page built on `livekit-client` shows as the agent's video.
 *
 * The agent's STT, LLM and TTS are `@livekit/agents-plugin-openai`'s, pointed at a LOCAL
 * STAND-IN that speaks the OpenAI HTTP API (tests/support/openai-stand-in.ts, started by
 * scripts/agents-plugin.ts): OpenAI is a paid service, so transcription answers a set text,
 * the chat model a set answer, and speech is Flite's at 24 kHz. The API key is a dummy.
 * Everything else is real: the agents framework's turn taking with Silero's VAD (the model
 * ships inside `@livekit/agents-plugin-silero`), LiveKit, the Facecast app, worker host and
 * session process, rtc-node participants and Chromium.
 *
 * The user (rtc-node, identity `user`) publishes a microphone that carries silence, then a
 * Flite question at its real pace; the VAD ends the turn, the non-streaming STT is sent the
 * question, the LLM the transcript, the TTS each sentence of the answer, and the face speaks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeLogger, voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import * as silero from '@livekit/agents-plugin-silero';
import {
  Room,
  RoomEvent,
  TrackKind,
  dispose,
  type RemoteParticipant,
  type RemoteTrackPublication,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { AvatarSession } from '@facecast/livekit-agents';
import {
  openBrowserViewer,
  type BrowserSettings,
  type BrowserViewer,
} from './support/browser-viewer.js';
import { required } from './support/env.js';
import { SPEECH_RMS, firstLoudAfter } from './support/measures.js';
import { publishMicrophone, type Microphone } from './support/microphone.js';
import { messageText, standInRequests } from './support/stand-in.js';
import {
  disposeViewerRtc,
  joinAsViewer,
  viewerKind,
  type Level,
  type Viewer,
} from './support/viewer.js';
import { readWav } from './support/wav.js';
import { sleep, waitUntil, within } from './support/wait.js';

const AGENT = 'whole-agent';
const USER = 'user';
/** Not a real key: the stand-in only checks that one is sent. */
const STAND_IN_API_KEY = 'sk-stand-in-not-a-real-key';
/** Received audio frames are 10 ms. */
const LEVEL_FRAME_MS = 10;

/** Epoch ms (as the stand-in records) of a `performance.now()` time of this process. */
const epochMs = (performanceMs: number) => performance.timeOrigin + performanceMs;

describe('a whole agent (AgentSession with STT, LLM and TTS) speaks through the Facecast face', () => {
  const livekitUrl = required('LIVEKIT_URL');
  const apiKey = required('LIVEKIT_API_KEY');
  const apiSecret = required('LIVEKIT_API_SECRET');
  const openAiUrl = required('FACECAST_TEST_OPENAI_URL');
  const conversation = JSON.parse(required('FACECAST_TEST_CONVERSATION')) as {
    question: string;
    answer: string;
  };
  const browserSettings = JSON.parse(required('FACECAST_TEST_BROWSER')) as BrowserSettings;
  const question = readWav(required('FACECAST_TEST_QUESTION_WAV'));
  const questionMs = (question.pcm.length / question.sampleRateHz) * 1000;
  const roomName = `whole-agent-${Math.random().toString(36).slice(2, 8)}`;

  let agentRoom: Room;
  let userRoom: Room;
  let viewer: Viewer;
  let microphone: Microphone;
  let session: voice.AgentSession;
  let avatar: AvatarSession;
  let levels: Level[];
  let browser: BrowserViewer | undefined;
  const stops: Array<() => void> = [];
  const agentStates: Array<{ state: string; atMs: number }> = [];
  const transcripts: string[] = [];

  const token = (identity: string, kind?: 'agent') => {
    const at = new AccessToken(apiKey, apiSecret, { identity });
    if (kind) at.kind = kind;
    at.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
    return at.toJwt();
  };

  before(async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    const vad = await silero.VAD.load();

    // The agent hears the user only (as the framework's AUDIO_ONLY auto-subscription does).
    agentRoom = new Room();
    agentRoom.on(
      RoomEvent.TrackPublished,
      (publication: RemoteTrackPublication, participant: RemoteParticipant) => {
        if (participant.identity === USER && publication.kind === TrackKind.KIND_AUDIO) {
          publication.setSubscribed(true);
        }
      },
    );
    await agentRoom.connect(livekitUrl, await token(AGENT, 'agent'), {
      autoSubscribe: false,
      dynacast: false,
    });
    userRoom = new Room();
    await userRoom.connect(livekitUrl, await token(USER), {
      autoSubscribe: false,
      dynacast: false,
    });
    microphone = await publishMicrophone(userRoom, question.sampleRateHz);
    viewer = await joinAsViewer(livekitUrl, await token('viewer'));

    session = new voice.AgentSession({
      stt: new openai.STT({
        useRealtime: false,
        model: 'whisper-1',
        language: 'en',
        baseURL: openAiUrl,
        apiKey: STAND_IN_API_KEY,
      }),
      llm: new openai.LLM({ model: 'gpt-4.1-mini', baseURL: openAiUrl, apiKey: STAND_IN_API_KEY }),
      tts: new openai.TTS({
        model: 'tts-1',
        voice: 'alloy',
        baseURL: openAiUrl,
        apiKey: STAND_IN_API_KEY,
      }),
      vad,
      // The VAD ends the user's turn: no turn-detector model (its default would be LiveKit
      // Cloud's or a local model), and interruptions by VAD, not the cloud's adaptive ones.
      turnHandling: { turnDetection: 'vad', interruption: { mode: 'vad' } },
    });
    session.on(voice.AgentSessionEventTypes.AgentStateChanged, (ev) =>
      agentStates.push({ state: ev.newState, atMs: performance.now() }),
    );
    session.on(voice.AgentSessionEventTypes.UserInputTranscribed, (ev) => {
      if (ev.isFinal) transcripts.push(ev.transcript);
    });

    // As an agent's entry does: the face first, then the session (which keeps its output).
    avatar = new AvatarSession({ avatarId: required('FACECAST_TEST_AVATAR_ID') });
    const startedAt = performance.now();
    await within(avatar.start(session, agentRoom), 90_000, 'AvatarSession.start');
    console.log(`AvatarSession.start: ${Math.round(performance.now() - startedAt)} ms`);
    await within(
      session.start({
        agent: new voice.Agent({ instructions: 'You are a helpful voice assistant.' }),
        room: agentRoom,
        inputOptions: { participantIdentity: USER },
      }),
      30_000,
      'AgentSession.start',
    );

    const identity = avatar.avatarParticipantIdentity;
    const video = viewer.recordVideo(await viewer.waitForTrack(identity, 'video'));
    const audio = viewer.recordAudio(await viewer.waitForTrack(identity, 'audio'));
    stops.push(
      () => video.stop(),
      () => audio.stop(),
    );
    levels = audio.levels;
    await waitUntil(() => video.latest() !== undefined, 15_000, 'the first video frame');
  });

  after(async () => {
    for (const stop of stops) stop();
    await browser?.close().catch(() => undefined);
    await within(session?.close() ?? Promise.resolve(), 10_000, 'AgentSession.close').catch(
      () => undefined,
    );
    await avatar?.stop().catch(() => undefined);
    await microphone?.stop().catch(() => undefined);
    await viewer?.room.disconnect().catch(() => undefined);
    await userRoom?.disconnect().catch(() => undefined);
    await agentRoom?.disconnect().catch(() => undefined);
    await dispose();
    await disposeViewerRtc();
  });

  it('the face joins on the agent’s behalf and publishes video and audio', () => {
    const face = viewer.room.remoteParticipants.get(avatar.avatarParticipantIdentity);
    assert.ok(face, 'the avatar is in the room');
    assert.equal(face.attributes['lk.publish_on_behalf'], AGENT);
    const kinds = [...face.trackPublications.values()].map((p) => p.kind);
    assert.ok(kinds.includes(viewerKind('video')), 'a video track');
    assert.ok(kinds.includes(viewerKind('audio')), 'an audio track');
    const agent = viewer.room.remoteParticipants.get(AGENT);
    assert.equal(agent?.trackPublications.size, 0, 'the agent itself publishes no track');
  });

  it('the user asks; the stand-ins transcribe, answer and speak; the face says the answer', async () => {
    await sleep(500);
    const before = await standInRequests(openAiUrl);
    assert.equal(before.transcription.length, 0, 'nothing transcribed before the question');
    assert.equal(
      firstLoudAfter(levels, 0),
      undefined,
      'the face is silent before it has anything to say',
    );

    const askedAt = performance.now();
    await microphone.say(question.pcm);
    const questionEndAt = performance.now();

    // The VAD's end of speech, the STT, the LLM and the TTS each take their time here.
    await waitUntil(
      () => firstLoudAfter(levels, questionEndAt) !== undefined,
      20_000,
      'the answer at the viewer',
    );
    const heardAt = firstLoudAfter(levels, questionEndAt)!;
    await waitUntil(
      () =>
        agentStates.at(-1)?.state === 'listening' &&
        agentStates.some((s) => s.state === 'speaking'),
      30_000,
      'the agent to finish speaking (the face reports playback finished)',
    );
    const doneAt = performance.now();
    const recorded = await standInRequests(openAiUrl);

    const loudMs =
      levels.filter((l) => l.atMs > questionEndAt && l.rms > SPEECH_RMS).length * LEVEL_FRAME_MS;
    const speechMs = recorded.speech.reduce((sum, r) => sum + (r.audioMs ?? 0), 0);
    const [transcription] = recorded.transcription;
    const chat = recorded.chat.at(-1);
    console.log(
      `question ${Math.round(questionMs)} ms; after its end: transcription +${Math.round((transcription?.receivedAt ?? NaN) - epochMs(questionEndAt))} ms, ` +
        `chat +${Math.round((chat?.receivedAt ?? NaN) - epochMs(questionEndAt))} ms, ` +
        `speech +${Math.round((recorded.speech[0]?.receivedAt ?? NaN) - epochMs(questionEndAt))} ms, ` +
        `heard +${Math.round(heardAt - questionEndAt)} ms; ${recorded.speech.length} speech requests, ` +
        `${Math.round(speechMs)} ms of speech, ${loudMs} ms loud at the viewer; done after ${Math.round(doneAt - askedAt)} ms`,
    );

    // STT: the question's audio, once the user had stopped speaking.
    assert.equal(recorded.transcription.length, 1, 'one transcription request');
    assert.ok(transcription!.authorized, 'with an API key');
    assert.ok(
      transcription!.receivedAt > epochMs(questionEndAt),
      'transcribed after the question ended',
    );
    assert.ok(
      transcription!.durationMs !== undefined &&
        transcription!.durationMs > questionMs * 0.6 &&
        transcription!.durationMs < questionMs + 2_000,
      `the STT got the question's audio (${Math.round(transcription!.durationMs ?? 0)} ms of ${Math.round(questionMs)} ms)`,
    );
    assert.deepEqual(transcripts, [conversation.question], 'the session heard the transcript');

    // LLM: the transcript as the user's message, streamed.
    assert.ok(chat, 'a chat request');
    assert.ok(chat.authorized && chat.finished && chat.body.stream === true);
    assert.ok(chat.receivedAt > transcription!.receivedAt, 'the LLM after the STT');
    const lastUser = chat.body.messages?.filter((m) => m.role === 'user').at(-1);
    assert.equal(messageText(lastUser?.content), conversation.question);

    // TTS: the answer, sentence by sentence, as 24 kHz PCM.
    const spoken = recorded.speech.map((r) => r.body.input?.trim() ?? '').join(' ');
    assert.equal(spoken, conversation.answer, 'the TTS was asked to say the answer');
    assert.ok(recorded.speech.every((r) => r.body.response_format === 'pcm' && r.authorized));
    assert.ok(recorded.speech[0]!.receivedAt > chat.receivedAt, 'the TTS after the LLM');

    // The face: the answer is heard after the question, about as long as it was synthesised.
    assert.ok(epochMs(heardAt) > recorded.speech[0]!.receivedAt, 'heard after the speech was made');
    assert.ok(
      heardAt - questionEndAt < 15_000,
      `heard ${Math.round(heardAt - questionEndAt)} ms after the question`,
    );
    assert.ok(
      loudMs > speechMs * 0.4,
      `the viewer heard ${loudMs} ms of speech of ${Math.round(speechMs)} ms synthesised`,
    );
    assert.ok(
      doneAt - heardAt > speechMs * 0.8,
      `the agent was speaking until the face had played it (${Math.round(doneAt - heardAt)} ms of ${Math.round(speechMs)} ms)`,
    );
  });

  it('a Chromium page built on livekit-client shows the agent’s video as the avatar', async () => {
    browser = await openBrowserViewer(browserSettings);
    const launchedAt = performance.now();
    await browser.join(livekitUrl, await token('browser-viewer'), AGENT);
    try {
      await browser.waitForVideo(20_000);
    } catch (error) {
      throw new Error(`no video in the page: ${browser.consoleLines.join('\n')}`, { cause: error });
    }
    const first = await browser.videoState();
    await sleep(1_500);
    const second = await browser.videoState();
    console.log(
      `Chromium: video ${second.videoWidth}×${second.videoHeight} ${Math.round(performance.now() - launchedAt)} ms after joining; ` +
        `${(second.currentTime - first.currentTime).toFixed(2)} s played and ${second.totalVideoFrames - first.totalVideoFrames} frames in 1.5 s; luma σ ${second.lumaStdDev.toFixed(1)}`,
    );
    assert.equal(second.shownIdentity, avatar.avatarParticipantIdentity);
    assert.ok(second.videoWidth > 0 && second.videoHeight > 0);
    assert.ok(second.currentTime - first.currentTime > 0.75, 'the video plays on');
    assert.ok(
      second.totalVideoFrames - first.totalVideoFrames >= 10,
      'frames keep coming (≥ 10 in 1.5 s, of 37 at 25 fps)',
    );
    assert.ok(second.lumaStdDev > 10, 'a picture, not a uniform (black) frame');
  });
});
