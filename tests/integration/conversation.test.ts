/**
 * Conversation end to end with everything real but the language model: livekit-server, the
 * worker host and its session process, Flite, an rtc-node viewer. The model is a local
 * STAND-IN speaking the OpenAI streaming chat API (tests/support/openai-stand-in.ts), with
 * controlled delays and token rates. Events go to a stand-in of the app's events endpoint.
 * Runs inside the test network namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose, type TextStreamReader } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSettings } from '../../protocol/conversation';
import {
  AVATAR_IDENTITY,
  CONTROL_TOPIC,
  type ControlMessageInput,
} from '../../protocol/room-control';
import type { SessionEvent } from '../../protocol/session-events';
import type { SessionRequest } from '../../protocol/session-request';
import { writeSyntheticAvatar } from '../../worker/testing/synthetic-avatar';
import { startOpenAiStandIn, type StandIn } from '../support/openai-stand-in';
import {
  firstLoudAfter,
  silenceAfter,
  waitForSilence,
  whileSpeaking,
} from './support/audio-timing';
import { startEventsEndpoint, type EventsEndpoint } from './support/events-endpoint';
import { startLivekitServer, type LivekitServer } from './support/livekit-server';
import { assertTestNamespace } from './support/network';
import { waitUntil } from './support/ports';
import { joinAsSubscriber, type AudioRecorder, type Subscriber } from './support/subscriber';
import { startWorkerHost, type WorkerHost } from './support/worker-host';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PERSONA = 'You are Ada, a museum guide. Answer in two short sentences.';

describe('conversation end to end', () => {
  let livekit: LivekitServer;
  let worker: WorkerHost;
  let model: StandIn;
  let app: EventsEndpoint;
  let viewer: Subscriber;
  let audio: AudioRecorder;
  let rooms: RoomServiceClient;
  let tmpDir: string;
  const captions: { segmentId: string; final: string; from: string; text: string; atMs: number }[] =
    [];
  const roomName = `it-talk-${Math.random().toString(36).slice(2, 8)}`;
  const sessionId = `it-talk-session-${Math.random().toString(36).slice(2, 8)}`;
  const secret = `it-secret-${Math.random().toString(36).slice(2)}`;

  const send = (message: ControlMessageInput) =>
    rooms.sendData(
      roomName,
      new TextEncoder().encode(JSON.stringify(message)),
      DataPacket_Kind.RELIABLE,
      {
        topic: CONTROL_TOPIC,
        destinationIdentities: [AVATAR_IDENTITY],
      },
    );
  const eventsOf = <T extends SessionEvent['type']>(type: T, after = 0) =>
    app.events
      .filter((e) => e.event.type === type && e.receivedAtMs > after)
      .map((e) => e.event as Extract<SessionEvent, { type: T }>);
  /** Waits for the next `speech.ended` after `count` of them, then for silence. */
  const answered = async (count: number) => {
    await waitUntil(() => eventsOf('speech.ended').length > count, 20_000, 'the answer to end');
    await quiet();
    return eventsOf('speech.ended').at(-1)!;
  };
  /** Waits until the viewer has heard nothing for a second. */
  const quiet = () => waitForSilence(audio.levels, 1_000, 20_000);

  beforeAll(async () => {
    assertTestNamespace();
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'facecast-talk-'));
    [livekit, model, app] = await Promise.all([
      startLivekitServer(),
      startOpenAiStandIn(),
      startEventsEndpoint({ workerSecret: secret }),
    ]);
    rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    worker = await startWorkerHost({
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      secret,
      appUrl: app.url,
    });
    const conversation: ConversationSettings = {
      mode: 'chat',
      llm: {
        baseUrl: model.url,
        model: 'stand-in-chat',
        apiKey: 'sk-test-key-1234',
        temperature: 0.3,
      },
      persona: PERSONA,
      greeting: '',
      memoryTurns: 10,
      fallback: 'Sorry, my thoughts are elsewhere right now.',
    };
    const avatar = await writeSyntheticAvatar(path.join(tmpDir, 'avatar.png'));
    // The stand-in runs on this machine: reachable as from an admin's avatar.
    const outbound = { allowPrivate: true, allowlist: [] };
    const request: SessionRequest = { sessionId, roomName, avatar, conversation, outbound };
    const res = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(res.status, worker.output().slice(-3000)).toBe(201);
    viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'viewer-1' });
    viewer.room.registerTextStreamHandler('lk.transcription', (reader: TextStreamReader, from) => {
      void (async () => {
        for await (const chunk of reader) {
          captions.push({
            segmentId: reader.info.attributes?.['lk.segment_id'] ?? '',
            final: reader.info.attributes?.['lk.transcription_final'] ?? '',
            from: from.identity,
            text: chunk,
            atMs: performance.now(),
          });
        }
      })();
    });
    audio = viewer.recordAudio(await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO));
    await sleep(1_000);
  });

  afterAll(async () => {
    audio?.stop();
    await viewer?.leave().catch(() => undefined);
    await worker?.stop();
    await Promise.all([livekit?.stop(), model?.close(), app?.close()]);
    await dispose();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  });

  it('answers a message with the model: persona and question sent, first sentence heard while the model still writes', async () => {
    model.chat.set({
      answer: 'The museum opens at nine. The mummies are on the second floor, next to the cafe.',
      firstTokenDelayMs: 200,
      tokenIntervalMs: 120,
    });
    const sentAt = performance.now();
    await send({ type: 'message', text: 'When do you open?', interrupt: true, speaker: 'api' });
    const request = await model.chat.waitForRequest(1, 5_000);
    expect(request.body.stream).toBe(true);
    expect(request.body.temperature).toBe(0.3);
    expect(request.headers.authorization).toBe('Bearer sk-test-key-1234');
    expect(request.body.messages).toEqual([
      { role: 'system', content: PERSONA },
      { role: 'user', content: 'When do you open?' },
    ]);
    await waitUntil(
      () => firstLoudAfter(audio.levels, sentAt) !== undefined,
      10_000,
      'answer audio',
    );
    const heardAt = firstLoudAfter(audio.levels, sentAt)!;
    // The answer takes ~2 s to write (17 tokens × 120 ms): its first sentence is heard first.
    await waitUntil(() => model.chat.requests[0]!.finished, 10_000, 'model finished');
    const ended = await answered(0);
    const finishedAt = model.chat.requests[0]!.lastTokenAt! - performance.timeOrigin;
    console.log(
      `model first sentence → audible; heard ${Math.round(finishedAt - heardAt)} ms before the model finished`,
    );
    expect(heardAt).toBeLessThan(finishedAt);

    // Events: the user turn, thinking, speaking, the answer as heard, idle again.
    expect(ended?.text).toBe(
      'The museum opens at nine. The mummies are on the second floor, next to the cafe.',
    );
    expect(ended?.interrupted).toBe(false);
    const states = eventsOf('state').map((e) => e.state);
    expect(states).toEqual(expect.arrayContaining(['thinking', 'speaking', 'idle']));
    expect(states.indexOf('thinking')).toBeLessThan(states.indexOf('speaking'));
    expect(eventsOf('user.transcript')[0]).toMatchObject({
      speaker: 'api',
      text: 'When do you open?',
    });

    // Captions: the words, in one segment, from the avatar, each arriving as it is heard.
    const answerCaptions = captions.filter((c) => c.from === AVATAR_IDENTITY);
    expect(answerCaptions.map((c) => c.text).join('')).toBe(ended?.text);
    expect(new Set(answerCaptions.map((c) => c.segmentId)).size).toBe(1);
    expect(answerCaptions[0]!.atMs).toBeGreaterThan(heardAt - 300);
    expect(answerCaptions.at(-1)!.atMs - answerCaptions[0]!.atMs).toBeGreaterThan(2_000);
  });

  it('remembers the conversation: the next request carries the previous turns', async () => {
    model.chat.set({ answer: 'Yes, there is a cafe.', firstTokenDelayMs: 0, tokenIntervalMs: 0 });
    const ended = eventsOf('speech.ended').length;
    await send({ type: 'message', text: 'Is there food?', interrupt: true, speaker: 'api' });
    const request = await model.chat.waitForRequest(2, 5_000);
    expect(request.body.messages).toEqual([
      { role: 'system', content: PERSONA },
      { role: 'user', content: 'When do you open?' },
      {
        role: 'assistant',
        content: 'The museum opens at nine. The mummies are on the second floor, next to the cafe.',
      },
      { role: 'user', content: 'Is there food?' },
    ]);
    expect((await answered(ended)).text).toBe('Yes, there is a cafe.');
  });

  it('an interrupt silences the viewer at once and closes the model stream', async () => {
    model.chat.set({
      answer:
        'Let me tell you the whole history of this building, from the very beginning. '.repeat(8),
      firstTokenDelayMs: 0,
      tokenIntervalMs: 60,
    });
    const sentAt = performance.now();
    const before = model.chat.requests.length;
    const endedBefore = eventsOf('speech.ended').length;
    await send({ type: 'message', text: 'Tell me everything.', interrupt: true, speaker: 'api' });
    await waitUntil(
      () => firstLoudAfter(audio.levels, sentAt) !== undefined,
      10_000,
      'answer audio',
    );
    await sleep(1_200);
    expect(model.chat.requests[before]!.finished).toBe(false);
    await whileSpeaking(audio.levels);
    const interruptedAt = performance.now();
    const eventsBefore = app.events.length;
    await send({ type: 'interrupt' });
    await waitUntil(
      () => silenceAfter(audio.levels, interruptedAt) !== undefined,
      3_000,
      'silence',
    );
    const silentMs = silenceAfter(audio.levels, interruptedAt)! - interruptedAt;
    console.log(`interrupt → silence at the viewer: ${Math.round(silentMs)} ms`);
    // A user notices 400 ms; the benchmark holds the p50 goal of 150 ms.
    expect(silentMs).toBeLessThan(400);
    const closed = await model.chat.waitForClose(before, 2_000);
    expect(closed.closedByClient).toBe(true);
    // The transcript keeps what was heard, marked interrupted.
    const ended = await answered(endedBefore);
    expect(ended.interrupted).toBe(true);
    expect(ended.text.length).toBeGreaterThan(10);
    expect(ended.text.length).toBeLessThan(300);
    expect(app.events.slice(eventsBefore).some((e) => e.event.type === 'state')).toBe(true);
    await quiet();
  });

  it('a failing model costs one fallback line and an error event, and the next turn works', async () => {
    model.chat.set({ failure: 'http-500' });
    const endedBefore = eventsOf('speech.ended').length;
    const sentAt = performance.now();
    await send({ type: 'message', text: 'Are you there?', interrupt: true, speaker: 'api' });
    await waitUntil(
      () => firstLoudAfter(audio.levels, sentAt) !== undefined,
      10_000,
      'fallback audio',
    );
    await waitUntil(() => eventsOf('error').length > 0, 5_000, 'error event');
    expect(eventsOf('error')[0]).toMatchObject({ code: 'llm_failed' });
    expect(eventsOf('error')[0]!.message).toMatch(/500/);
    expect(JSON.stringify(app.events)).not.toContain('sk-test-key-1234');
    expect((await answered(endedBefore)).text).toBe('Sorry, my thoughts are elsewhere right now.');
    expect(worker.output()).toContain('language model failed');

    model.chat.set({ failure: undefined, answer: 'I am here.' });
    const endedAgain = eventsOf('speech.ended').length;
    const againAt = performance.now();
    await send({ type: 'message', text: 'And now?', interrupt: true, speaker: 'api' });
    await waitUntil(
      () => firstLoudAfter(audio.levels, againAt) !== undefined,
      10_000,
      'answer audio',
    );
    expect((await answered(endedAgain)).text).toBe('I am here.');
  });

  it('a viewer chat message is a user turn attributed to the viewer', async () => {
    model.chat.set({ answer: 'Hello, viewer.' });
    const endedBefore = eventsOf('speech.ended').length;
    await viewer.sendText('Hi from chat', 'lk.chat');
    await waitUntil(
      () => eventsOf('user.transcript').some((e) => e.speaker === 'viewer-1'),
      5_000,
      'chat turn',
    );
    expect((await answered(endedBefore)).text).toBe('Hello, viewer.');
  });

  it('interrupt when idle changes nothing', async () => {
    const before = app.events.length;
    await send({ type: 'interrupt' });
    await sleep(500);
    expect(app.events.slice(before)).toEqual([]);
    expect(worker.output()).not.toContain('"level":50');
  });
});
