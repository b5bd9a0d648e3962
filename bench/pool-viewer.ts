/**
 * A benchmark viewer: joins a session's room with the app's viewer token through
 * @livekit/rtc-node and records every video frame of the avatar, across re-publications (a
 * session restarted on a fresh process publishes a new track), plus audio levels so the
 * benchmark can tell when the avatar has stopped speaking.
 */
import {
  AudioStream,
  Room,
  RoomEvent,
  TrackKind,
  VideoStream,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from '@livekit/rtc-node';
import { AVATAR_IDENTITY } from '@/protocol/room-control';

/** RMS (16-bit units) above which received audio counts as speech. */
const SPEECH_RMS = 300;

export interface PoolViewer {
  /** Receive times (ms, performance.now) of every avatar video frame. */
  frameTimesMs: number[];
  /** Receive time (ms) of the first frame of each avatar video track, in order (a restarted
   * session publishes a new track). */
  trackFirstFrameMs: number[];
  /** Receive time (ms) of the last audio frame louder than speech level, or 0. */
  lastSpeechMs(): number;
  /** Frames received in [fromMs, toMs). */
  framesBetween(fromMs: number, toMs: number): number;
  leave(): Promise<void>;
}

export async function joinViewer(options: { url: string; token: string }): Promise<PoolViewer> {
  const room = new Room();
  const frameTimesMs: number[] = [];
  const trackFirstFrameMs: number[] = [];
  let lastSpeechMs = 0;
  let closed = false;

  const readVideo = async (track: RemoteTrack) => {
    const reader = new VideoStream(track).getReader();
    let first = true;
    while (!closed) {
      const { done } = await reader.read();
      if (done) break;
      const now = performance.now();
      frameTimesMs.push(now);
      if (first) trackFirstFrameMs.push(now);
      first = false;
    }
    await reader.cancel().catch(() => undefined);
  };
  const readAudio = async (track: RemoteTrack) => {
    // 100 ms frames: a tenth of the FFI events of the default 10 ms, the same levels (the
    // benchmark only asks whether 600 ms were quiet).
    const reader = new AudioStream(track, {
      sampleRate: 16_000,
      numChannels: 1,
      frameSizeMs: 100,
    }).getReader();
    while (!closed) {
      const { done, value } = await reader.read();
      if (done) break;
      let sum = 0;
      for (const sample of value.data) sum += sample * sample;
      if (Math.sqrt(sum / Math.max(1, value.data.length)) > SPEECH_RMS)
        lastSpeechMs = performance.now();
    }
    await reader.cancel().catch(() => undefined);
  };
  const onTrack = (
    track: RemoteTrack,
    _publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => {
    if (participant.identity !== AVATAR_IDENTITY) return;
    if (track.kind === TrackKind.KIND_VIDEO) void readVideo(track).catch(() => undefined);
    else if (track.kind === TrackKind.KIND_AUDIO) void readAudio(track).catch(() => undefined);
  };
  room.on(RoomEvent.TrackSubscribed, onTrack);
  await room.connect(options.url, options.token, { autoSubscribe: true, dynacast: false });

  return {
    frameTimesMs,
    trackFirstFrameMs,
    lastSpeechMs: () => lastSpeechMs,
    framesBetween(fromMs, toMs) {
      let count = 0;
      for (let i = frameTimesMs.length - 1; i >= 0; i--) {
        const t = frameTimesMs[i]!;
        if (t < fromMs) break;
        if (t < toMs) count++;
      }
      return count;
    },
    async leave() {
      closed = true;
      room.off(RoomEvent.TrackSubscribed, onTrack);
      await room.disconnect();
    },
  };
}
