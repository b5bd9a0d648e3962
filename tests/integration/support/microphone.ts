/**
 * A test participant that talks: joins a room with a token that may publish a microphone
 * and plays PCM into it in real time (10 ms frames, paced by LiveKit's back-pressure), as a
 * browser's microphone would.
 */
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { AccessToken, TrackSource as GrantSource } from 'livekit-server-sdk';

const RATE = 16_000;
const FRAME = RATE / 100;

export interface Microphone {
  room: Room;
  /** Plays the audio (16 kHz mono) and resolves when the last frame is handed over. */
  play(pcm: Int16Array): Promise<void>;
  /** Sends silence for `ms`. */
  silence(ms: number): Promise<void>;
  leave(): Promise<void>;
}

/** Joins as `identity`; `mayPublish: false` gives a viewer's token (no microphone). */
export async function joinWithMicrophone(options: {
  url: string;
  apiKey: string;
  apiSecret: string;
  roomName: string;
  identity: string;
  mayPublish?: boolean;
}): Promise<Microphone> {
  const token = new AccessToken(options.apiKey, options.apiSecret, { identity: options.identity });
  const mayPublish = options.mayPublish ?? true;
  token.addGrant({
    roomJoin: true,
    room: options.roomName,
    canSubscribe: true,
    canPublish: mayPublish,
    canPublishSources: mayPublish ? [GrantSource.MICROPHONE] : [],
    canPublishData: true,
  });
  const room = new Room();
  await room.connect(options.url, await token.toJwt(), { autoSubscribe: false, dynacast: false });
  const source = new AudioSource(RATE, 1, 100);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  await room.localParticipant!.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
  const play = async (pcm: Int16Array) => {
    for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
      await source.captureFrame(new AudioFrame(pcm.slice(i, i + FRAME), RATE, 1, FRAME));
    }
  };
  return {
    room,
    play,
    silence: (ms) => play(new Int16Array((RATE * ms) / 1000)),
    leave: async () => {
      await room.disconnect();
      await source.close();
    },
  };
}
