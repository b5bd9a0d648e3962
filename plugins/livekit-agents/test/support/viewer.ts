/**
 * A test viewer on rtc-node 0.13 (the plugin's own): joins the agent's room, subscribes to the
 * avatar's tracks and records what arrives: audio levels over time and the newest video frame.
 */
import {
  AudioStream,
  Room,
  RoomEvent,
  VideoBufferType,
  VideoStream,
  type RemoteTrack,
  type TrackKind,
  type VideoFrame,
} from '@livekit/rtc-node';

/**
 * One received audio frame: when this process read it (ms, performance.now), where it ends in
 * the received audio (ms since the track's first frame) and its RMS (16-bit units).
 */
export interface Level {
  atMs: number;
  mediaEndMs: number;
  rms: number;
}

export interface RgbaFrame {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

export interface Viewer {
  room: Room;
  waitForTrack(identity: string, kind: TrackKind, timeoutMs?: number): Promise<RemoteTrack>;
  /** Records the track's audio as levels, mono at `sampleRateHz`. */
  recordAudio(track: RemoteTrack, sampleRateHz?: number): { levels: Level[]; stop(): void };
  /** Keeps the newest frame, converted to RGBA only when asked for. */
  recordVideo(track: RemoteTrack): { latest(): RgbaFrame | undefined; stop(): void };
}

export async function joinAsViewer(url: string, token: string): Promise<Viewer> {
  const room = new Room();
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });

  const existing = (identity: string, kind: TrackKind) => {
    const participant = room.remoteParticipants.get(identity);
    for (const publication of participant?.trackPublications.values() ?? []) {
      if (publication.kind === kind && publication.track) return publication.track;
    }
    return undefined;
  };

  return {
    room,
    waitForTrack(identity, kind, timeoutMs = 20_000) {
      const track = existing(identity, kind);
      if (track) return Promise.resolve(track);
      return new Promise((resolve, reject) => {
        const onTrack = (t: RemoteTrack, _pub: unknown, participant: { identity: string }) => {
          if (participant.identity !== identity || t.kind !== kind) return;
          clearTimeout(timer);
          room.off(RoomEvent.TrackSubscribed, onTrack);
          resolve(t);
        };
        const timer = setTimeout(() => {
          room.off(RoomEvent.TrackSubscribed, onTrack);
          reject(new Error(`no track of kind ${kind} from ${identity} within ${timeoutMs} ms`));
        }, timeoutMs);
        room.on(RoomEvent.TrackSubscribed, onTrack);
      });
    },

    recordAudio(track, sampleRateHz = 16_000) {
      const reader = new AudioStream(track, sampleRateHz, 1).getReader();
      const levels: Level[] = [];
      let stopped = false;
      let samplesRead = 0;
      void (async () => {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) break;
          let sum = 0;
          for (const sample of value.data) sum += sample * sample;
          samplesRead += value.samplesPerChannel;
          levels.push({
            atMs: performance.now(),
            mediaEndMs: (samplesRead / value.sampleRate) * 1000,
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

    recordVideo(track) {
      const reader = new VideoStream(track).getReader();
      let newest: VideoFrame | undefined;
      let stopped = false;
      void (async () => {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) break;
          newest = value.frame;
        }
      })().catch(() => undefined);
      return {
        latest() {
          if (!newest) return undefined;
          const rgba = newest.convert(VideoBufferType.RGBA);
          return { data: rgba.data, widthPx: rgba.width, heightPx: rgba.height };
        },
        stop() {
          stopped = true;
          void reader.cancel().catch(() => undefined);
        },
      };
    },
  };
}
