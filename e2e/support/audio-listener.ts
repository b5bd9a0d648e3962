/**
 * A Node-side viewer for API tests: joins a session's room with @livekit/rtc-node using a
 * viewer token from the REST API, and records the avatar's audio level over time.
 */
import { AudioStream, Room, RoomEvent, TrackKind, type RemoteTrack } from '@livekit/rtc-node';

export interface AudioListener {
  /** One entry per received audio frame: receive time (ms, performance.now) and RMS (16-bit). */
  levels: Array<{ atMs: number; rms: number }>;
  leave(): Promise<void>;
}

/**
 * Joins with the token and resolves once the avatar's audio track is being read.
 * `localhost` in the URL becomes 127.0.0.1: LiveKit binds IPv4 only.
 */
export async function listenToAvatar(options: {
  livekitUrl: string;
  token: string;
  identity?: string;
  timeoutMs?: number;
}): Promise<AudioListener> {
  const { timeoutMs = 30_000 } = options;
  const url = options.livekitUrl.replace('//localhost', '//127.0.0.1');
  const room = new Room();
  const trackReady = new Promise<RemoteTrack>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no audio track from "avatar" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      if (participant.identity !== 'avatar' || track.kind !== TrackKind.KIND_AUDIO) return;
      clearTimeout(timer);
      resolve(track);
    });
  });
  await room.connect(url, options.token, { autoSubscribe: true, dynacast: false });
  let track: RemoteTrack;
  try {
    track = await trackReady;
  } catch (error) {
    await room.disconnect();
    throw error;
  }
  const levels: AudioListener['levels'] = [];
  const reader = new AudioStream(track, 16_000, 1).getReader();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const { done, value } = await reader.read();
      if (done) break;
      let sum = 0;
      for (const sample of value.data) sum += sample * sample;
      levels.push({
        atMs: performance.now(),
        rms: Math.sqrt(sum / Math.max(1, value.data.length)),
      });
    }
  })().catch(() => undefined);
  return {
    levels,
    async leave() {
      stopped = true;
      await reader.cancel().catch(() => undefined);
      await room.disconnect();
    },
  };
}
