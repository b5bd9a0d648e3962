/**
 * A test viewer: joins the agent's room, subscribes to the avatar's tracks and records what
 * arrives: audio levels over time and the newest video frame.
 *
 * It is a third party in the room, as a user's app would be, so it runs on the current
 * rtc-node (1.1, the devDependency `viewer-rtc-node`), the one the app's own viewers and the
 * integration tests use, beside the 0.13 that `@livekit/agents` 1.9 needs for the agent. After
 * a clear that the face acts on within a few ms, the 0.13 viewer kept hearing speech for 158 ms
 * in CI (150-340 ms in earlier runs), a 1.1 viewer for 63-82 ms on a quiet machine and 117 ms in
 * CI; under load both hear more (docs/livekit-agents.md).
 */
import {
  AudioStream,
  Room,
  RoomEvent,
  TrackKind,
  VideoBufferType,
  VideoStream,
  dispose,
  type RemoteTrack,
  type VideoFrame,
} from 'viewer-rtc-node';

/** Releases the viewer's rtc-node (the agent's 0.13 has its own `dispose`). */
export const disposeViewerRtc = dispose;

/** The kinds of track a viewer waits for. */
export type MediaKind = 'audio' | 'video';
const KINDS: Record<MediaKind, TrackKind> = {
  audio: TrackKind.KIND_AUDIO,
  video: TrackKind.KIND_VIDEO,
};
/** The viewer's rtc-node value for a kind (a publication's `kind` as this viewer sees it). */
export const viewerKind = (media: MediaKind) => KINDS[media];

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
  waitForTrack(identity: string, kind: MediaKind, timeoutMs?: number): Promise<RemoteTrack>;
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
    waitForTrack(identity, media, timeoutMs = 20_000) {
      const kind = viewerKind(media);
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
          reject(new Error(`no ${media} track from ${identity} within ${timeoutMs} ms`));
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
