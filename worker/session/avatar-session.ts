/**
 * One avatar in one room: joins as the avatar participant, publishes a camera track (the
 * rendered face, 25 fps) and a microphone track (speech, mono 16 kHz), and converses
 * (worker/conversation): what the app sends on the control topic and what viewers type in
 * chat become turns, answered by the avatar's model or said as they are; captions follow the
 * voice, and conversation events go to the host.
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
  VideoCodec,
  VideoSource,
} from '@livekit/rtc-node';
import type { Logger } from '../log';
import type { RoomJoin, VideoCodecName } from '../ipc/ipc';
import { DEFAULT_CONVERSATION } from '../../protocol/conversation';
import type { SessionEvent } from '../../protocol/session-events';
import { type SessionRenderStatus, type SessionRequest } from '../../protocol/session-request';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LipSyncRenderer } from '../lipsync/lip-sync-renderer';
import { BlinkSchedule } from '../render/blink';
import {
  createRenderHost,
  type PrewarmedRenderThread,
  type RenderHost,
} from '../render/render-host';
import { createSessionTts } from '../tts/session-tts';
import { NEUTRAL_POSE } from '../visemes/mouth-pose';
import { Captions } from '../conversation/captions';
import { Conversation } from '../conversation/conversation';
import { greetFirstViewer, listenToRoom } from '../conversation/room-input';
import { startVoiceInput, transcriberFor, type VoiceInput } from '../listening/voice-input';
import { streamChat } from '../../protocol/providers/chat-model';
import { guardedFetch, PUBLIC_ONLY } from '../../protocol/providers/outbound';
import { AgentAvatarLink } from '../agents/agent-avatar-link';
import { watchAgent } from '../agents/watch-agent';
import { samplesPerFrame } from '../audio/mouth-envelope';
import { SpeechPlayer } from './speech-player';
import { startVideoLoop, type VideoLoop, type VideoLoopStats } from './video-loop';

export const VIDEO_FPS = 25;
/** Enough for a sharp 512×512 face at 25 fps. */
export const VIDEO_MAX_BITRATE_BPS = 1_200_000n;
const PUBLISHED_CODECS: Record<VideoCodecName, VideoCodec> = {
  h264: VideoCodec.H264,
  vp8: VideoCodec.VP8,
};
/** Flite speaks at 16 kHz; publishing at its rate avoids resampling. */
export const AUDIO_SAMPLE_RATE_HZ = 16_000;
export const AUDIO_FRAME_MS = 20;
/** Audio LiveKit may hold ahead of playout: absorbs synthesis pauses, bounds latency. */
export const AUDIO_QUEUE_MS = 300;

export interface AvatarSessionOptions {
  request: SessionRequest;
  /** Server URL and the avatar's access token for this room (minted by the host). */
  join: RoomJoin;
  log: Logger;
  /** Enabled opt-in plugins (FACECAST_PLUGINS). */
  plugins?: readonly string[];
  /** Socket of the host's shared speech service; unset: Flite runs in this process. */
  speechSocket?: string;
  /** Called with the renderer in use at start and whenever it changes. */
  onRenderStatus?: (status: SessionRenderStatus) => void;
  /** A render thread the idle process started ahead of time; the session takes it over. */
  renderThread?: PrewarmedRenderThread;
  /** Conversation events (state, speech, user turns, errors) for the host to forward. */
  onEvent?: (event: SessionEvent) => void;
}

/** Why a session ended; `connectionLost`: the LiveKit server dropped it, not the app. */
export interface SessionEnd {
  reason: string;
  connectionLost: boolean;
}

/**
 * Disconnect reasons that mean the server or the network went away, not that someone ended
 * the session: after a LiveKit server restart (SERVER_SHUTDOWN when it was stopped, or
 * UNKNOWN_REASON once the SDK's own reconnect gives up) the host rejoins the session.
 * ROOM_DELETED (how the app ends a session), PARTICIPANT_REMOVED, DUPLICATE_IDENTITY and the
 * like end it for good.
 */
const CONNECTION_LOST_REASONS: ReadonlySet<DisconnectReason> = new Set([
  DisconnectReason.UNKNOWN_REASON,
  DisconnectReason.SERVER_SHUTDOWN,
  DisconnectReason.JOIN_FAILURE,
  DisconnectReason.SIGNAL_CLOSE,
  DisconnectReason.CONNECTION_TIMEOUT,
  DisconnectReason.MEDIA_FAILURE,
]);

export function isConnectionLoss(reason: DisconnectReason): boolean {
  return CONNECTION_LOST_REASONS.has(reason);
}

export interface AvatarSession {
  /** Resolves once the session is over and everything is released. */
  readonly ended: Promise<SessionEnd>;
  /** Leaves the room and releases everything; idempotent. */
  stop(reason: string): Promise<void>;
  /** Video figures since the previous call (for the host's metrics and reports). */
  takeStats(): VideoLoopStats;
}

/** Joins the room and starts streaming; resolves once both tracks are published. */
export async function startAvatarSession(options: AvatarSessionOptions): Promise<AvatarSession> {
  const { request, join, log } = options;
  const { avatar } = request;

  const frames = await openFrames(request, log, options.renderThread);
  const lipSync = request.lipSync
    ? await LipSyncRenderer.open({
        model: request.lipSync,
        fps: VIDEO_FPS,
        // sharp (libvips, ~16 MB PSS) loads only in sessions that need it.
        frame: await (await import('../render/rgba-image')).loadRgbaImage(avatar.framePath, avatar),
        face: avatar.face,
        log,
        onStatus: (status) => options.onRenderStatus?.(status),
      })
    : undefined;
  const renderer = frames.host;
  // Every request to a provider URL is checked, redirects included (docs/security.md).
  const outboundFetch = guardedFetch(request.outbound ?? PUBLIC_ONLY);
  const tts = createSessionTts(request.speech, {
    log,
    fetchImpl: outboundFetch,
    plugins: options.plugins ?? [],
    sampleRateHz: AUDIO_SAMPLE_RATE_HZ,
    ...(options.speechSocket ? { speechSocket: options.speechSocket } : {}),
  });

  const room = new Room();
  const videoSource = new VideoSource(renderer.widthPx, renderer.heightPx);
  const audioSource = new AudioSource(AUDIO_SAMPLE_RATE_HZ, 1, AUDIO_QUEUE_MS);
  // Built below; the player's listener reaches them once the session is running.
  let conversation: Conversation | undefined = undefined;
  let captions: Captions | undefined = undefined;
  /** Set when the session is a LiveKit Agent's face (request.agent). */
  let agentLink: AgentAvatarLink | undefined = undefined;
  const player = new SpeechPlayer({
    sink: audioSource,
    tts,
    voice: request.voice,
    rate: request.speechRate,
    sampleRateHz: AUDIO_SAMPLE_RATE_HZ,
    frameMs: AUDIO_FRAME_MS,
    log,
    onSentenceStart: (pcm, audibleInMs) =>
      lipSync?.startUtterance({
        pcm,
        sampleRateHz: AUDIO_SAMPLE_RATE_HZ,
        startTick: (video?.tick ?? 0) + Math.round(audibleInMs / (1000 / VIDEO_FPS)),
      }),
    onSpeechStart: () => video?.redrawAhead(),
    listener: {
      started: (event) => {
        conversation?.utteranceStarted(event);
        agentLink?.utteranceStarted(event);
      },
      words: ({ utteranceId, words }) => captions?.avatarWords(utteranceId, words),
      ended: (event) => {
        captions?.avatarEnded(event.utteranceId);
        conversation?.utteranceEnded(event);
        agentLink?.utteranceEnded(event);
      },
    },
  });
  let video: VideoLoop | undefined = undefined;
  let voice: VoiceInput | undefined = undefined;
  let stopping: Promise<void> | undefined;
  let resolveEnded: (end: SessionEnd) => void = () => undefined;
  const ended = new Promise<SessionEnd>((resolve) => {
    resolveEnded = resolve;
  });
  let connectionLost = false;

  const interruptSpeech = () => {
    player.interrupt();
    lipSync?.stopUtterance();
    // Frames drawn ahead show the mouth of audio that was just dropped.
    video?.redrawAhead();
  };
  const talk = new Conversation({
    settings: request.conversation ?? DEFAULT_CONVERSATION,
    speech: {
      say: (text, utteranceId) => player.say(text, utteranceId),
      endUtterance: (utteranceId) => player.endUtterance(utteranceId),
      play: (pcm, sampleRateHz, utteranceId) => player.play(pcm, sampleRateHz, utteranceId),
      interrupt: interruptSpeech,
    },
    emit: (event) => options.onEvent?.(event),
    log,
    chat: (llm, messages, chatOptions) =>
      streamChat({ ...llm, fetch: outboundFetch }, messages, chatOptions),
  });
  // An agent's face speaks what the agent streams; it does not converse on its own.
  if (!request.agent) {
    conversation = talk;
    listenToRoom({ room, conversation: talk, log });
  }

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'session stopping');
      voice?.close();
      agentLink?.close();
      talk.close();
      video?.stop();
      await player.stop();
      // Disconnect before closing sources so the native side unpublishes cleanly.
      await room
        .disconnect()
        .catch((error: unknown) => log.warn({ err: error }, 'room disconnect failed'));
      await Promise.allSettled([videoSource.close(), audioSource.close()]);
      await Promise.allSettled([tts.close(), frames.close(), lipSync?.close()]);
      resolveEnded({ reason, connectionLost });
    })();
    return stopping;
  };

  room.on(RoomEvent.Reconnecting, () => {
    log.warn('LiveKit connection lost, reconnecting');
    options.onEvent?.({ type: 'connection', state: 'reconnecting', reason: 'connection lost' });
  });
  room.on(RoomEvent.Reconnected, () => {
    log.info('LiveKit connection back');
    options.onEvent?.({ type: 'connection', state: 'reconnected' });
  });
  room.on(RoomEvent.Disconnected, (reason: DisconnectReason) => {
    // Deleting the room is how the app ends a session. A server that went away ends this
    // process's session too, but the host rejoins it (SessionEnd.connectionLost).
    connectionLost = isConnectionLoss(reason);
    void stop(`disconnected:${DisconnectReason[reason] ?? reason}`);
  });

  try {
    await room.connect(join.url, join.token, { autoSubscribe: false, dynacast: false });
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
        // One 512-px layer is all viewers need; simulcast's extra layers cost ~40 % more
        // encoder CPU per session (measured: encoder thread 10 % → 6 % of a core).
        simulcast: false,
        videoCodec: PUBLISHED_CODECS[join.videoCodec],
      }),
    );
    const audioPublication = await participant.publishTrack(
      audioTrack,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    captions = new Captions({
      participant,
      audioTrackId: () => audioPublication.sid,
      log,
    });
  } catch (error) {
    await stop('start failed');
    throw error;
  }

  player.start();
  if (request.agent) {
    agentLink = new AgentAvatarLink({
      room,
      agentIdentity: request.agent.agentIdentity,
      speech: player,
      sampleRateHz: AUDIO_SAMPLE_RATE_HZ,
      frameSamples: samplesPerFrame(AUDIO_SAMPLE_RATE_HZ, AUDIO_FRAME_MS),
      log,
    });
    // The face goes when its agent goes (or never comes).
    watchAgent({ room, agentIdentity: request.agent.agentIdentity, log, onGone: stop });
  } else greetFirstViewer(room, talk);
  const transcription = request.agent ? undefined : request.conversation?.transcription;
  if (transcription && transcription.provider !== 'off' && captions) {
    voice = startVoiceInput({
      room,
      conversation: talk,
      captions,
      settings: transcription,
      transcribe: transcriberFor(transcription, outboundFetch),
      log,
      avatarSpeaking: () => player.speaking,
    });
  }
  if (!lipSync) options.onRenderStatus?.({ renderer: 'builtin' });
  const blink = new BlinkSchedule(performance.now());
  video = startVideoLoop({
    renderer,
    source: videoSource,
    fps: VIDEO_FPS,
    log,
    inputFor: (tick, dueMs) => ({
      tick,
      timeMs: dueMs,
      // Where the model's mouth is pasted, the built-in one stays shut so it cannot show
      // through the paste's soft edge.
      // Rendered ahead of its due time (video-loop.ts): the mouth of the audio heard then.
      pose: lipSync?.isReady(tick)
        ? NEUTRAL_POSE
        : player.mouthPoseAhead(dueMs - performance.now()),
      eyesClosed: blink.closureAt(dueMs),
    }),
    ...(lipSync ? { beforePublish: (tick, frame) => lipSync.frameFor(tick, frame) } : {}),
    onFatal: () => void stop('render failed'),
  });
  log.info(
    {
      widthPx: renderer.widthPx,
      heightPx: renderer.heightPx,
      fps: VIDEO_FPS,
      codec: join.videoCodec,
    },
    'avatar publishing',
  );

  const videoLoop = video;
  return { ended, stop, takeStats: () => videoLoop.takeStats() };
}

interface SessionFrames {
  host: RenderHost;
  close(): Promise<void>;
}

/**
 * Starts the render thread on the avatar's frame store. A request without a store (an avatar
 * prepared before stores existed, or a test) gets a one-frame store in a temporary directory.
 * A lip-sync model pastes onto RGBA frames; otherwise frames leave as I420, what the encoder
 * takes. A store that cannot be served rejects with FrameStoreError (the app rebuilds it).
 */
async function openFrames(
  request: SessionRequest,
  log: Logger,
  thread: PrewarmedRenderThread | undefined,
): Promise<SessionFrames> {
  const format = request.lipSync ? 'rgba' : 'i420';
  let store = request.avatar.store;
  let tempDir: string | undefined;
  if (!store) {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'facecast-store-'));
    // Imported here: it loads sharp, which sessions with a store never need.
    const { frameStoreFromPrepared } = await import('../frame-store/frame-store-from-prepared');
    await frameStoreFromPrepared({ avatar: request.avatar, dir: tempDir, name: 'frames' });
    store = { dir: tempDir, name: 'frames' };
    log.info('avatar has no frame store; rendering its portrait from a temporary one');
  }
  const removeTemp = async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const host = await createRenderHost({
      storeDir: store.dir,
      storeName: store.name,
      format,
      ...(thread ? { thread } : {}),
    });
    return {
      host,
      close: async () => {
        await host.close();
        await removeTemp();
      },
    };
  } catch (error) {
    await removeTemp();
    throw error;
  }
}
