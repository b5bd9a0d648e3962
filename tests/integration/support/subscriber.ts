/**
 * A test viewer: joins a room with @livekit/rtc-node, subscribes to the avatar's tracks and
 * records what arrives (video frame times and the latest RGBA frame; audio RMS over time).
 * With `rejoin`, it behaves like the viewer page after a LiveKit server restart: when the
 * SDK's own reconnect gives up or the server shut down, it joins again with a fresh token.
 */
import {
  AudioStream,
  DisconnectReason,
  Room,
  RoomEvent,
  TrackKind,
  VideoBufferType,
  VideoStream,
  type RemoteTrack,
  type VideoFrame,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';

export interface VideoRecorder {
  /** Receive times (ms, performance.now) of every frame. */
  frameTimesMs: number[];
  /** The newest frame as RGBA, or undefined before the first. */
  latest(): { data: Uint8Array; widthPx: number; heightPx: number } | undefined;
  stop(): void;
}

export interface AudioRecorder {
  /** One entry per received audio frame: receive time (ms) and RMS (16-bit units). */
  levels: Array<{ atMs: number; rms: number }>;
  stop(): void;
}

export interface Subscriber {
  /** The current room (a new one after each rejoin). */
  readonly room: Room;
  /** Joins after the first one (a fresh token and connect each). */
  readonly rejoins: number;
  /**
   * Records frames of `identity`'s video whichever track carries it: it follows the track
   * republished after a reconnect or rejoin.
   */
  followVideo(identity: string): VideoRecorder;
  /** A track of `kind` from `identity`; with `not`, one other than that (a re-published one). */
  waitForTrack(
    identity: string,
    kind: TrackKind,
    timeoutMs?: number,
    options?: { not?: RemoteTrack },
  ): Promise<RemoteTrack>;
  recordVideo(track: RemoteTrack): VideoRecorder;
  recordAudio(track: RemoteTrack, sampleRateHz?: number): AudioRecorder;
  /** Sends chat text on a topic as a text stream. */
  sendText(text: string, topic: string): Promise<void>;
  leave(): Promise<void>;
}

/** Rejoin backoff: first wait, doubled up to the cap (ms), as the viewer page does. */
const REJOIN_MIN_DELAY_MS = 250;
const REJOIN_MAX_DELAY_MS = 2_000;

export async function joinAsSubscriber(
  options: {
    url: string;
    identity: string;
    /** Join again with a fresh token when the server drops the connection. */
    rejoin?: boolean;
  } & (
    | { roomName: string; apiKey: string; apiSecret: string }
    | {
        /** A ready-made access token (names its room), e.g. the app's own viewer token. */ token: string;
      }
  ),
): Promise<Subscriber> {
  const freshToken = async (): Promise<string> => {
    if ('token' in options) return options.token;
    const token = new AccessToken(options.apiKey, options.apiSecret, {
      identity: options.identity,
    });
    token.addGrant({
      roomJoin: true,
      room: options.roomName,
      canSubscribe: true,
      canPublish: false,
      canPublishData: true,
    });
    return token.toJwt();
  };
  const connect = async (): Promise<Room> => {
    const next = new Room();
    await next.connect(options.url, await freshToken(), { autoSubscribe: true, dynacast: false });
    return next;
  };
  let room = await connect();
  let rejoins = 0;
  let left = false;
  /** Called with every room this viewer is in, the current one first. */
  const roomWatchers: ((room: Room) => void)[] = [];

  const rejoin = async () => {
    let delayMs = REJOIN_MIN_DELAY_MS;
    while (!left) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(REJOIN_MAX_DELAY_MS, delayMs * 2);
      try {
        const next = await connect();
        if (left) {
          await next.disconnect();
          return;
        }
        room = next;
        rejoins++;
        watchDisconnect(next);
        for (const watch of roomWatchers) watch(next);
        return;
      } catch {
        // the server is not back yet
      }
    }
  };
  const watchDisconnect = (watched: Room) => {
    watched.on(RoomEvent.Disconnected, (reason: DisconnectReason) => {
      if (!options.rejoin || left || reason === DisconnectReason.CLIENT_INITIATED) return;
      void rejoin();
    });
  };
  watchDisconnect(room);

  const findTrack = (inRoom: Room, identity: string, kind: TrackKind): RemoteTrack | undefined => {
    const participant = inRoom.remoteParticipants.get(identity);
    for (const publication of participant?.trackPublications.values() ?? []) {
      if (publication.kind === kind && publication.track) return publication.track;
    }
    return undefined;
  };

  const recordFrames = (
    track: RemoteTrack,
    frameTimesMs: number[],
    keep: (f: VideoFrame) => void,
  ) => {
    const reader = new VideoStream(track).getReader();
    let stopped = false;
    void (async () => {
      while (!stopped) {
        const { done, value } = await reader.read();
        if (done) break;
        frameTimesMs.push(performance.now());
        keep(value.frame);
      }
    })().catch(() => undefined);
    return () => {
      stopped = true;
      void reader.cancel().catch(() => undefined);
    };
  };

  return {
    get room() {
      return room;
    },
    get rejoins() {
      return rejoins;
    },

    followVideo(identity) {
      const frameTimesMs: number[] = [];
      let latestRaw: VideoFrame | undefined;
      let stopCurrent: (() => void) | undefined;
      let stopped = false;
      const follow = (track: RemoteTrack) => {
        if (stopped) return;
        stopCurrent?.();
        stopCurrent = recordFrames(track, frameTimesMs, (frame) => (latestRaw = frame));
      };
      const onTrack = (track: RemoteTrack, _pub: unknown, participant: { identity: string }) => {
        if (participant.identity === identity && track.kind === TrackKind.KIND_VIDEO) follow(track);
      };
      const watch = (watched: Room) => {
        watched.on(RoomEvent.TrackSubscribed, onTrack);
        const existing = findTrack(watched, identity, TrackKind.KIND_VIDEO);
        if (existing) follow(existing);
      };
      roomWatchers.push(watch);
      watch(room);
      return {
        frameTimesMs,
        latest() {
          if (!latestRaw) return undefined;
          const rgba = latestRaw.convert(VideoBufferType.RGBA);
          return { data: rgba.data, widthPx: rgba.width, heightPx: rgba.height };
        },
        stop() {
          stopped = true;
          stopCurrent?.();
          roomWatchers.splice(roomWatchers.indexOf(watch), 1);
          room.off(RoomEvent.TrackSubscribed, onTrack);
        },
      };
    },

    waitForTrack(identity, kind, timeoutMs = 20_000, { not } = {}) {
      const existing = findTrack(room, identity, kind);
      if (existing && existing.sid !== not?.sid) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          room.off(RoomEvent.TrackSubscribed, onTrack);
          reject(new Error(`no ${TrackKind[kind]} track from ${identity} within ${timeoutMs} ms`));
        }, timeoutMs);
        const onTrack = (track: RemoteTrack, _pub: unknown, participant: { identity: string }) => {
          if (participant.identity !== identity || track.kind !== kind) return;
          if (not && track.sid === not.sid) return;
          clearTimeout(timer);
          room.off(RoomEvent.TrackSubscribed, onTrack);
          resolve(track);
        };
        room.on(RoomEvent.TrackSubscribed, onTrack);
      });
    },

    recordVideo(track) {
      const frameTimesMs: number[] = [];
      let latestRaw: VideoFrame | undefined;
      const stop = recordFrames(track, frameTimesMs, (frame) => (latestRaw = frame));
      return {
        frameTimesMs,
        latest() {
          if (!latestRaw) return undefined;
          // Converting only on demand keeps the reader fast enough to count every frame.
          const rgba = latestRaw.convert(VideoBufferType.RGBA);
          return { data: rgba.data, widthPx: rgba.width, heightPx: rgba.height };
        },
        stop,
      };
    },

    recordAudio(track, sampleRateHz = 16_000) {
      const stream = new AudioStream(track, sampleRateHz, 1);
      const reader = stream.getReader();
      const levels: Array<{ atMs: number; rms: number }> = [];
      let stopped = false;
      void (async () => {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) break;
          let sum = 0;
          for (const s of value.data) sum += s * s;
          levels.push({
            atMs: performance.now(),
            rms: Math.sqrt(sum / Math.max(1, value.data.length)),
          });
        }
      })().catch(() => undefined);
      return {
        levels,
        stop() {
          stopped = true;
          void reader.cancel().catch(() => undefined);
        },
      };
    },

    async sendText(text, topic) {
      await room.localParticipant?.sendText(text, { topic });
    },

    async leave() {
      left = true;
      await room.disconnect();
    },
  };
}
