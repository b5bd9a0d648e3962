/**
 * One avatar in one room: joins as the avatar participant, publishes a camera track (the
 * rendered face, 25 fps) and a microphone track (speech, mono 16 kHz), and speaks what the
 * app sends on the control topic and what viewers type in chat.
 */
import {
  AudioSource,
  DisconnectReason,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  type RemoteParticipant,
  type TextStreamReader,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import type { Logger } from '../log';
import type { LivekitCredentials } from '../protocol/ipc';
import {
  AVATAR_IDENTITY,
  CHAT_TOPIC,
  CONTROL_TOPIC,
  SPEAK_MAX_CHARS,
  controlMessageSchema,
  type SessionRenderStatus,
  type SessionRequest,
} from '../protocol/session-request';
import { AvatarRenderer } from '../render/avatar-renderer';
import { BlinkSchedule } from '../render/blink';
import { loadRgbaImage } from '../render/rgba-image';
import { createThreadedTts } from '../tts/threaded-tts';
import { startFrameClock, type FrameClock } from './frame-clock';
import { SpeechPlayer } from './speech-player';

export const VIDEO_FPS = 25;
/** Enough for a sharp 512×512 face at 25 fps. */
export const VIDEO_MAX_BITRATE_BPS = 1_200_000n;
/** Flite speaks at 16 kHz; publishing at its rate avoids resampling. */
export const AUDIO_SAMPLE_RATE_HZ = 16_000;
export const AUDIO_FRAME_MS = 20;
/** Audio LiveKit may hold ahead of playout: absorbs synthesis pauses, bounds latency. */
export const AUDIO_QUEUE_MS = 300;

export interface AvatarSessionOptions {
  request: SessionRequest;
  livekit: LivekitCredentials;
  log: Logger;
  /** Called with the renderer in use at start and whenever it changes. */
  onRenderStatus?: (status: SessionRenderStatus) => void;
}

export interface AvatarSession {
  /** Resolves with the reason once the session is over and everything is released. */
  readonly ended: Promise<string>;
  /** Leaves the room and releases everything; idempotent. */
  stop(reason: string): Promise<void>;
}

/** Joins the room and starts streaming; resolves once both tracks are published. */
export async function startAvatarSession(options: AvatarSessionOptions): Promise<AvatarSession> {
  const { request, livekit, log } = options;
  const { avatar } = request;

  const image = await loadRgbaImage(avatar.framePath, avatar);
  const renderer = new AvatarRenderer(image, avatar.face);
  const tts = createThreadedTts();

  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, {
    identity: AVATAR_IDENTITY,
    name: avatar.name,
    ttl: '12h',
  });
  // Subscribing is allowed so data packets and text streams reach us; we never subscribe
  // to tracks (autoSubscribe off).
  token.addGrant({
    roomJoin: true,
    room: request.roomName,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });

  const room = new Room();
  const videoSource = new VideoSource(renderer.widthPx, renderer.heightPx);
  const audioSource = new AudioSource(AUDIO_SAMPLE_RATE_HZ, 1, AUDIO_QUEUE_MS);
  const player = new SpeechPlayer({
    sink: audioSource,
    tts,
    voice: request.voice,
    rate: request.speechRate,
    sampleRateHz: AUDIO_SAMPLE_RATE_HZ,
    frameMs: AUDIO_FRAME_MS,
    log,
  });

  let clock: FrameClock | undefined = undefined;
  let stopping: Promise<void> | undefined;
  let resolveEnded: (reason: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });

  const speak = (text: string, interrupt: boolean, from: string) => {
    const capped = text.slice(0, SPEAK_MAX_CHARS).trim();
    if (capped === '') return;
    if (interrupt) player.interrupt();
    log.info({ chars: capped.length, interrupt, from }, 'speak requested');
    player.enqueue(capped);
  };

  room.on(
    RoomEvent.DataReceived,
    (payload: Uint8Array, participant?: RemoteParticipant, _kind?: unknown, topic?: string) => {
      if (topic !== CONTROL_TOPIC) return;
      // Control comes from the app through the server API, which has no participant; a
      // participant claiming the control topic is a viewer trying to drive the avatar.
      if (participant !== undefined) {
        log.warn({ from: participant.identity }, 'control packet from participant ignored');
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(payload));
      } catch {
        log.warn({ bytes: payload.byteLength }, 'control packet is not JSON');
        return;
      }
      const parsed = controlMessageSchema.safeParse(json);
      if (!parsed.success) {
        log.warn({ issues: parsed.error.issues.length }, 'control packet invalid');
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'speak':
          speak(message.text, message.interrupt, 'control');
          break;
        case 'interrupt':
          player.interrupt();
          break;
      }
    },
  );

  const readChat = async (reader: TextStreamReader, identity: string) => {
    try {
      const text = await reader.readAll();
      speak(text, false, 'chat');
    } catch (error) {
      log.warn({ err: error, from: identity }, 'chat stream failed');
    }
  };
  room.registerTextStreamHandler(CHAT_TOPIC, (reader, participantInfo) => {
    if (participantInfo.identity === AVATAR_IDENTITY) {
      void reader.close();
      return;
    }
    void readChat(reader, participantInfo.identity);
  });

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'session stopping');
      clock?.stop();
      await player.stop();
      // Disconnect before closing sources so the native side unpublishes cleanly.
      await room
        .disconnect()
        .catch((error: unknown) => log.warn({ err: error }, 'room disconnect failed'));
      await Promise.allSettled([videoSource.close(), audioSource.close()]);
      await tts.close();
      resolveEnded(reason);
    })();
    return stopping;
  };

  room.on(RoomEvent.Disconnected, (reason: DisconnectReason) => {
    // Deleting the room is how the app ends a session; any disconnect ends it here.
    void stop(`disconnected:${DisconnectReason[reason] ?? reason}`);
  });

  try {
    await room.connect(livekit.url, await token.toJwt(), { autoSubscribe: false, dynacast: false });
    const participant = room.localParticipant;
    if (!participant) throw new Error('connected without a local participant');

    const videoTrack = LocalVideoTrack.createVideoTrack('avatar-video', videoSource);
    const audioTrack = LocalAudioTrack.createAudioTrack('avatar-audio', audioSource);
    // Without an explicit encoding the SDK picks a preset for ~512 px that caps at 20 fps.
    await participant.publishTrack(
      videoTrack,
      new TrackPublishOptions({
        source: TrackSource.SOURCE_CAMERA,
        videoEncoding: { maxFramerate: VIDEO_FPS, maxBitrate: VIDEO_MAX_BITRATE_BPS },
      }),
    );
    await participant.publishTrack(
      audioTrack,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
  } catch (error) {
    await stop('start failed');
    throw error;
  }

  player.start();
  options.onRenderStatus?.({ renderer: 'builtin' });
  const blink = new BlinkSchedule(performance.now());
  let slowFrames = 0;
  clock = startFrameClock({
    fps: VIDEO_FPS,
    onFrame: (_frameIndex, dueMs) => {
      const started = performance.now();
      // Each frame gets its own buffer: LiveKit may still be reading the previous one.
      const buffer = new Uint8Array(renderer.frameBytes);
      renderer.render(buffer, {
        mouthOpen: player.mouthOpenNow(),
        eyesClosed: blink.closureAt(dueMs),
      });
      videoSource.captureFrame(
        new VideoFrame(buffer, renderer.widthPx, renderer.heightPx, VideoBufferType.RGBA),
      );
      const renderMs = performance.now() - started;
      if (renderMs > 1000 / VIDEO_FPS / 2 && ++slowFrames % 25 === 1) {
        log.warn({ renderMs: Math.round(renderMs), slowFrames }, 'frame render slow');
      }
    },
    onSkip: (skipped) => log.warn({ skipped }, 'video frames skipped'),
  });
  log.info(
    { widthPx: renderer.widthPx, heightPx: renderer.heightPx, fps: VIDEO_FPS },
    'avatar publishing',
  );

  return { ended, stop };
}
