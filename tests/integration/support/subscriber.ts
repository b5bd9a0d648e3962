/**
 * A test viewer: joins a room with @livekit/rtc-node, subscribes to the avatar's tracks and
 * records what arrives (video frame times and the latest RGBA frame; audio RMS over time).
 */
import {
  AudioStream,
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
  room: Room;
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

export async function joinAsSubscriber(
  options: { url: string; identity: string } & (
    | { roomName: string; apiKey: string; apiSecret: string }
    | {
        /** A ready-made access token (names its room), e.g. the app's own viewer token. */ token: string;
      }
  ),
): Promise<Subscriber> {
  let jwt: string;
  if ('token' in options) {
    jwt = options.token;
  } else {
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
    jwt = await token.toJwt();
  }
  const room = new Room();
  await room.connect(options.url, jwt, { autoSubscribe: true, dynacast: false });

  const findTrack = (identity: string, kind: TrackKind): RemoteTrack | undefined => {
    const participant = room.remoteParticipants.get(identity);
    for (const publication of participant?.trackPublications.values() ?? []) {
      if (publication.kind === kind && publication.track) return publication.track;
    }
    return undefined;
  };

  return {
    room,
    waitForTrack(identity, kind, timeoutMs = 20_000, { not } = {}) {
      const existing = findTrack(identity, kind);
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
      const stream = new VideoStream(track);
      const reader = stream.getReader();
      const frameTimesMs: number[] = [];
      let latestRaw: VideoFrame | undefined;
      let stopped = false;
      void (async () => {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) break;
          frameTimesMs.push(performance.now());
          latestRaw = value.frame;
        }
      })().catch(() => undefined);
      return {
        frameTimesMs,
        latest() {
          if (!latestRaw) return undefined;
          // Converting only on demand keeps the reader fast enough to count every frame.
          const rgba = latestRaw.convert(VideoBufferType.RGBA);
          return { data: rgba.data, widthPx: rgba.width, heightPx: rgba.height };
        },
        stop() {
          stopped = true;
          void reader.cancel().catch(() => undefined);
        },
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
      await room.disconnect();
    },
  };
}
