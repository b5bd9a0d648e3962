/**
 * Voice input end to end: an rtc-node participant publishes a microphone track made from a
 * Flite recording of a question; the session finds the turn, a local STAND-IN for the
 * OpenAI transcription and chat APIs (tests/support/openai-stand-in.ts; no paid service is
 * called) transcribes it and answers; a viewer hears the answer. Barge-in while the avatar
 * answers silences it and closes the model stream. Runs inside the test network namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_IDENTITY } from '../../protocol/room-control';
import type { SessionEvent } from '../../protocol/session-events';
import type { SessionRequest } from '../../protocol/session-request';
import { createFliteTts } from '../../worker/tts/flite-tts';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
import { startOpenAiStandIn, type StandIn } from '../support/openai-stand-in';
import {
  SPEECH_RMS,
  firstLoudAfter,
  firstSilenceAfter,
  whileSpeaking,
} from './support/audio-timing';
import { startEventsEndpoint, type EventsEndpoint } from './support/events-endpoint';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { joinWithMicrophone, type Microphone } from './support/microphone';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import { FAR_BOX, MOUTH_BOX, regionDiff } from './support/frame-diff';
import {
  joinAsSubscriber,
  type AudioRecorder,
  type Subscriber,
  type VideoRecorder,
} from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

const PERSONA = 'You are Ada, a museum guide.';
const QUESTION = 'What time does the museum open?';

const firstLoudSample = (pcm: Int16Array) => pcm.findIndex((v) => Math.abs(v) > 3_000);

describe('voice input end to end', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let model: StandIn;
  let app: EventsEndpoint;
  let viewer: Subscriber;
  let audio: AudioRecorder;
  let video: VideoRecorder;
  let mic: Microphone;
  let tmpDir: string;
  let questionPcm: Int16Array;
  const roomName = `it-voice-${Math.random().toString(36).slice(2, 8)}`;
  const secret = `it-secret-${Math.random().toString(36).slice(2)}`;
  const eventsOf = <T extends SessionEvent['type']>(type: T) =>
    app.events
      .filter((e) => e.event.type === type)
      .map((e) => e.event as Extract<SessionEvent, { type: T }>);

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-voice-'));
    const tts = createFliteTts();
    // A person at a browser microphone: gain control brings the voice near full scale.
    const raw = tts.synthesize(QUESTION, 'kal16').pcm;
    const peak = raw.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    questionPcm = raw.map((v) => Math.round((v * 26_000) / peak));
    tts.close();
    [livekit, model, app] = await Promise.all([
      startLivekitServer(),
      startOpenAiStandIn(),
      startEventsEndpoint({ workerSecret: secret }),
    ]);
    model.transcription.set({ text: QUESTION, delayMs: 100 });
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      secret,
      appUrl: app.url,
    });
    const request: SessionRequest = {
      sessionId: `it-voice-session-${roomName}`,
      roomName,
      avatar: await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png')),
      // The stand-in runs on this machine: reachable as from an admin's avatar.
      outbound: { allowPrivate: true, allowlist: [] },
      conversation: {
        mode: 'chat',
        llm: { baseUrl: model.url, model: 'stand-in-chat' },
        persona: PERSONA,
        greeting: '',
        memoryTurns: 10,
        fallback: 'Sorry.',
        transcription: {
          provider: 'openai',
          baseUrl: model.url,
          model: 'stand-in-whisper',
          language: 'en',
          endOfTurnSilenceMs: 500,
        },
      },
    };
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(res.status, worker.output().slice(-3000)).toBe(201);
    viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'viewer-1' });
    audio = viewer.recordAudio(await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO));
    video = viewer.recordVideo(await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO));
    mic = await joinWithMicrophone({ ...livekit, roomName, identity: 'speaker-1' });
    await mic.silence(1_000);
  });

  afterAll(async () => {
    audio?.stop();
    video?.stop();
    await mic?.leave().catch(() => undefined);
    await viewer?.leave().catch(() => undefined);
    await worker?.stop();
    await Promise.all([livekit?.stop(), model?.close(), app?.close()]);
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  it('a spoken question is transcribed, answered by the model and heard', async () => {
    model.chat.set({ answer: 'We open at nine in the morning.', firstTokenDelayMs: 200 });
    const idleFrame = video.latest();
    expect(idleFrame).toBeDefined();
    await mic.play(questionPcm);
    const stoppedTalkingAt = performance.now();
    await mic.silence(1_500);
    const upload = await model.transcription.waitForRequest(1, 5_000);
    // The transcriber got the question: its length, not the silence around it.
    const questionMs = (questionPcm.length / 16_000) * 1000;
    expect(upload.durationMs).toBeGreaterThan(questionMs - 400);
    expect(upload.durationMs).toBeLessThan(questionMs + 800);
    expect(upload.model).toBe('stand-in-whisper');
    expect(upload.language).toBe('en');
    const request = await model.chat.waitForRequest(1, 5_000);
    expect(request.body.messages).toEqual([
      { role: 'system', content: PERSONA },
      { role: 'user', content: QUESTION },
    ]);
    await waitUntil(
      () => firstLoudAfter(audio.levels, stoppedTalkingAt) !== undefined,
      10_000,
      'the answer',
    );
    const answeredMs = firstLoudAfter(audio.levels, stoppedTalkingAt)! - stoppedTalkingAt;
    // The mouth moves while the answer is heard: far more than a corner away from the face.
    let mouthDiff = 0;
    let farDiff = 0;
    for (let i = 0; i < 15 && idleFrame; i++) {
      await new Promise((resolve) => setTimeout(resolve, 80));
      const frame = video.latest();
      if (!frame) continue;
      const diff = regionDiff(frame, idleFrame, MOUTH_BOX);
      if (diff > mouthDiff) {
        mouthDiff = diff;
        farDiff = regionDiff(frame, idleFrame, FAR_BOX);
      }
    }
    expect(mouthDiff).toBeGreaterThan(8);
    expect(mouthDiff).toBeGreaterThan(farDiff * 4 + 2);
    console.log(`end of speech → answer audible: ${Math.round(answeredMs)} ms`);
    expect(answeredMs).toBeLessThan(2_500);
    expect(eventsOf('user.transcript').at(-1)).toMatchObject({
      speaker: 'speaker-1',
      text: QUESTION,
    });
    expect(eventsOf('state').map((e) => e.state)).toContain('listening');
    await waitUntil(() => eventsOf('speech.ended').length > 0, 10_000, 'answer ended');
  });

  it('speaking over the answer stops it and closes the model stream', async () => {
    model.chat.set({
      answer: 'Let me tell you about every painting in this museum, one after the other. '.repeat(
        6,
      ),
      firstTokenDelayMs: 0,
      tokenIntervalMs: 60,
    });
    const asked = model.chat.requests.length;
    const sentAt = performance.now();
    await mic.play(questionPcm);
    await mic.silence(800);
    await waitUntil(
      () => firstLoudAfter(audio.levels, sentAt + 500) !== undefined,
      10_000,
      'answer',
    );
    await whileSpeaking(audio.levels);
    // The next answer (to the question asked over this one) is short.
    model.chat.set({ answer: 'Of course.', tokenIntervalMs: 0 });
    const bargedAt = performance.now();
    // The person talks over the avatar: playing the question again, at full level.
    const talking = mic.play(questionPcm);
    await waitUntil(
      () => firstSilenceAfter(audio.levels, bargedAt) !== undefined,
      5_000,
      'silence',
    );
    // From the first loud sound of the person's voice (the recording opens with a pause).
    const onsetMs = (firstLoudSample(questionPcm) / 16_000) * 1000;
    const silentMs = firstSilenceAfter(audio.levels, bargedAt)! - (bargedAt + onsetMs);
    console.log(`barge-in (voice onset) → silence at the viewer: ${Math.round(silentMs)} ms`);
    // Voice needs ~200 ms of real speech to count while the avatar talks, then stops it
    // (~450 ms on a quiet machine; a second is what a person would notice on a busy one).
    expect(silentMs).toBeLessThan(1_000);
    const closed = await model.chat.waitForClose(asked, 3_000);
    expect(closed.closedByClient).toBe(true);
    await talking;
    await mic.silence(1_000);
    expect(eventsOf('speech.ended').some((e) => e.interrupted)).toBe(true);
  });

  it('a participant whose token may not publish has no microphone to be heard with', async () => {
    await expect(
      joinWithMicrophone({ ...livekit, roomName, identity: 'guest-1', mayPublish: false }),
    ).rejects.toThrow();
    expect(audio.levels.length).toBeGreaterThan(0);
    expect(SPEECH_RMS).toBeGreaterThan(0);
  });
});
