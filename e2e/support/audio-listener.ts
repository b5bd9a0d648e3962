/**
 * A Node-side viewer for API tests: joins a session's room with @livekit/rtc-node using a
 * viewer token from the REST API, and records the avatar's audio level over time. Built on
 * the integration suite's subscriber.
 */
import { TrackKind } from '@livekit/rtc-node';
import { joinAsSubscriber } from '../../tests/integration/support/subscriber';

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
  const viewer = await joinAsSubscriber({
    url: options.livekitUrl.replace('//localhost', '//127.0.0.1'),
    token: options.token,
    identity: options.identity ?? 'api-test-listener',
  });
  try {
    const track = await viewer.waitForTrack(
      'avatar',
      TrackKind.KIND_AUDIO,
      options.timeoutMs ?? 30_000,
    );
    const audio = viewer.recordAudio(track);
    return {
      levels: audio.levels,
      async leave() {
        audio.stop();
        await viewer.leave();
      },
    };
  } catch (error) {
    await viewer.leave();
    throw error;
  }
}
