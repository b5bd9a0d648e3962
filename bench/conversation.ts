/**
 * Conversation latency measured where a user notices it, at an rtc-node viewer inside the
 * test namespace: LiveKit server, worker host and session process, Flite, and a local
 * STAND-IN for the language model (tests/support/openai-stand-in.ts, the OpenAI streaming
 * chat API with controlled token timing; no real provider is called).
 *
 * - speak_to_audio: a `speak` control message sent → the viewer hears speech (echo, Flite).
 * - llm_first_sentence_to_audio: the stand-in writes the token that ends its first sentence
 *   → the viewer hears it (the model is still writing the rest).
 * - interrupt_to_silence: `interrupt` sent while the avatar speaks → the viewer's audio
 *   falls silent (and stays so).
 * - av_offset: mouth-motion onset minus audio onset at the viewer (video decoded, the mouth
 *   region's brightness against its idle level).
 * - end_of_speech_to_audio: a participant's question into a microphone track ends → the
 *   avatar's answer is heard (stand-in transcriber 100 ms, first token 200 ms, end of turn
 *   after the default 500 ms of silence).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrackKind, dispose } from '@livekit/rtc-node';
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { AVATAR_IDENTITY, CONTROL_TOPIC, type ControlMessageInput } from '@/protocol/room-control';
import { insideTestNamespace } from '@/scripts/lib/netns.mjs';
import {
  SPEECH_RMS,
  firstLoudAfter,
  silenceAfter,
  waitForSilence,
  whileSpeaking,
} from '@/tests/integration/support/audio-timing';
import { startEventsEndpoint } from '@/tests/integration/support/events-endpoint';
import { startLivekitServer } from '@/tests/integration/support/livekit-server';
import { waitUntil } from '@/tests/integration/support/ports';
import { joinWithMicrophone } from '@/tests/integration/support/microphone';
import { joinAsSubscriber, type AudioRecorder } from '@/tests/integration/support/subscriber';
import { END_OF_TURN_SILENCE_MS } from '@/protocol/conversation';
import { createFliteTts } from '@/worker/tts/flite-tts';
import { startWorkerHost } from '@/tests/integration/support/worker-host';
import { startOpenAiStandIn } from '@/tests/support/openai-stand-in';
import { writeSyntheticAvatar } from '@/worker/testing/synthetic-avatar';
import { runBenchInNamespace } from './in-namespace';
import { mouthOnsetAfter, recordMouth } from './mouth-probe';
import { percentileMs } from './stats';

const ROUNDS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The stand-in's clock (epoch ms, sub-ms) on this process's performance.now() scale. */
const toLocal = (epochMs: number) => epochMs - performance.timeOrigin;

/** A spoken question as a browser microphone with gain control would send it. */
function loudQuestion(): Int16Array {
  const tts = createFliteTts();
  const raw = tts.synthesize('What time does the museum open?', 'kal16').pcm;
  tts.close();
  const peak = raw.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return raw.map((v) => Math.round((v * 26_000) / peak));
}

/** The viewer has heard nothing for 0.8 s. */
const quiet = (audio: AudioRecorder) => waitForSilence(audio.levels, 800, 30_000);

export async function conversationBench(): Promise<Record<string, number | string | null>> {
  if (!insideTestNamespace()) return runBenchInNamespace('conversation');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecast-bench-talk-'));
  const secret = `bench-${Math.random().toString(36).slice(2)}`;
  const [livekit, model, app] = await Promise.all([
    startLivekitServer(),
    startOpenAiStandIn(),
    startEventsEndpoint({ workerSecret: secret }),
  ]);
  const worker = await startWorkerHost({
    livekitUrl: livekit.url,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
    secret,
    appUrl: app.url,
  });
  try {
    const roomName = `bench-talk-${Date.now()}`;
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
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
    const avatar = await writeSyntheticAvatar(path.join(dir, 'avatar.png'));
    const response = await worker.request('/sessions', {
      method: 'POST',
      body: JSON.stringify({
        sessionId: roomName,
        roomName,
        avatar,
        conversation: {
          mode: 'chat',
          llm: { baseUrl: model.url, model: 'stand-in-chat' },
          persona: 'You are a benchmark.',
          greeting: '',
          memoryTurns: 4,
          fallback: 'Fallback.',
          transcription: {
            provider: 'openai',
            baseUrl: model.url,
            model: 'stand-in-whisper',
            endOfTurnSilenceMs: END_OF_TURN_SILENCE_MS.default,
          },
        },
      }),
    });
    if (response.status !== 201) throw new Error(`worker refused the session: ${response.status}`);
    const viewer = await joinAsSubscriber({ ...livekit, roomName, identity: 'bench-viewer' });
    const audio = viewer.recordAudio(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_AUDIO, 30_000),
    );
    const mouth = recordMouth(
      await viewer.waitForTrack(AVATAR_IDENTITY, TrackKind.KIND_VIDEO, 30_000),
    );
    await sleep(3_000);

    const speakMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await quiet(audio);
      await sleep(300);
      const sentAt = performance.now();
      await send({
        type: 'speak',
        text: `Measurement number ${i + 1}: the quick brown fox jumps over the lazy dog.`,
        interrupt: false,
      });
      await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'speech');
      speakMs.push(firstLoudAfter(audio.levels, sentAt)! - sentAt);
    }

    // A/V: sentences that open on an open vowel, so sound and mouth start together (a
    // first "m" sounds with the lips shut, which is no sync error).
    const avOffsetMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await quiet(audio);
      await sleep(400);
      const sentAt = performance.now();
      await send({ type: 'speak', text: `Ah, I see. Round ${i + 1} is done.`, interrupt: false });
      await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 5_000, 'speech');
      const heardAt = firstLoudAfter(audio.levels, sentAt)!;
      await sleep(600);
      const moved = mouthOnsetAfter(mouth.samples, sentAt);
      if (moved !== undefined) avOffsetMs.push(moved - heardAt);
      if (process.env.BENCH_TRACE) {
        const near = (t: number) => t > heardAt - 150 && t < heardAt + 200;
        const fmt = (t: number) => Math.round(t - heardAt);
        process.stderr.write(
          `audio ${audio.levels
            .filter((l) => near(l.atMs))
            .map((l) => `${fmt(l.atMs)}:${Math.round(l.rms)}`)
            .join(' ')}\n` +
            `mouth ${mouth.samples
              .filter((m) => near(m.atMs))
              .map((m) => `${fmt(m.atMs)}:${m.luma.toFixed(1)}`)
              .join(' ')}\n`,
        );
      }
    }

    const firstSentenceMs: number[] = [];
    const interruptMs: number[] = [];
    model.chat.set({
      answer: `Here is the answer. ${'It goes on and on, sentence after sentence, for a long while. '.repeat(6)}`,
      firstTokenDelayMs: 200,
      tokenIntervalMs: 40,
    });
    for (let i = 0; i < ROUNDS; i++) {
      await quiet(audio);
      await sleep(300);
      const asked = model.chat.requests.length;
      const sentAt = performance.now();
      await send({
        type: 'message',
        text: `Question ${i + 1}?`,
        interrupt: true,
        speaker: 'bench',
      });
      await waitUntil(() => firstLoudAfter(audio.levels, sentAt) !== undefined, 10_000, 'answer');
      const heardAt = firstLoudAfter(audio.levels, sentAt)!;
      const written = model.chat.requests[asked]?.firstSentenceAt;
      if (written !== undefined) firstSentenceMs.push(heardAt - toLocal(written));
      // Interrupt mid-answer, a different moment each round, while a sound is playing.
      await sleep(1_500 + i * 137);
      await whileSpeaking(audio.levels);
      const interruptedAt = performance.now();
      await send({ type: 'interrupt' });
      await waitUntil(
        () => silenceAfter(audio.levels, interruptedAt) !== undefined,
        5_000,
        'silence',
      );
      interruptMs.push(silenceAfter(audio.levels, interruptedAt)! - interruptedAt);
    }

    // Voice: a participant asks a question into a microphone; the stand-in transcriber takes
    // 100 ms, the stand-in model 200 ms to its first token. Measured at the viewer, which
    // hears both: the speaker's last loud frame → the avatar's first.
    const endOfSpeechMs: number[] = [];
    const mic = await joinWithMicrophone({ ...livekit, roomName, identity: 'bench-speaker' });
    const speaker = viewer.recordAudio(
      await viewer.waitForTrack('bench-speaker', TrackKind.KIND_AUDIO, 30_000),
    );
    const question = loudQuestion();
    model.transcription.set({ text: 'What time does the museum open?', delayMs: 100 });
    model.chat.set({ answer: 'Here is the answer.', firstTokenDelayMs: 200, tokenIntervalMs: 20 });
    await mic.silence(500);
    for (let i = 0; i < ROUNDS; i++) {
      await quiet(audio);
      const roundFrom = performance.now();
      await mic.play(question);
      const silence = mic.silence(2_500);
      await waitUntil(
        () => firstLoudAfter(audio.levels, roundFrom + 300) !== undefined,
        10_000,
        'voice answer',
      );
      await silence;
      const spokeUntil = speaker.levels
        .filter((l) => l.atMs > roundFrom && l.rms > SPEECH_RMS)
        .at(-1);
      const answered = firstLoudAfter(audio.levels, roundFrom + 300);
      if (spokeUntil && answered) endOfSpeechMs.push(answered - spokeUntil.atMs);
    }
    speaker.stop();
    await mic.leave();

    audio.stop();
    mouth.stop();
    await viewer.leave();
    const p = percentileMs;
    return {
      rounds: ROUNDS,
      speak_to_audio_p50_ms: p(speakMs, 50),
      speak_to_audio_p95_ms: p(speakMs, 95),
      llm_first_sentence_to_audio_p50_ms: p(firstSentenceMs, 50),
      llm_first_sentence_to_audio_p95_ms: p(firstSentenceMs, 95),
      end_of_speech_to_audio_p50_ms: p(endOfSpeechMs, 50),
      end_of_speech_to_audio_p95_ms: p(endOfSpeechMs, 95),
      interrupt_to_silence_p50_ms: p(interruptMs, 50),
      interrupt_to_silence_p95_ms: p(interruptMs, 95),
      av_offset_ms: p(avOffsetMs, 50),
      av_offset_samples: avOffsetMs.length,
      load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
    };
  } finally {
    await worker.stop();
    await Promise.all([livekit.stop(), model.close(), app.close()]);
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
