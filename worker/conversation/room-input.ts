/**
 * What reaches a session's conversation from its room: control messages from the app (data
 * packets sent through the server API on CONTROL_TOPIC: speak, message, playAudio, interrupt), chat
 * typed by viewers (text streams on CHAT_TOPIC), and viewers arriving (the greeting).
 */
import {
  RoomEvent,
  TrackKind,
  type RemoteParticipant,
  type Room,
  type TextStreamReader,
} from '@livekit/rtc-node';
import {
  AVATAR_IDENTITY,
  CHAT_TOPIC,
  CONTROL_TOPIC,
  SPEAK_MAX_CHARS,
  controlMessageSchema,
  type ControlMessage,
} from '../../protocol/room-control';
import type { Logger } from '../log';
import type { Conversation } from './conversation';
import { fetchClip } from './fetch-clip';

/** A viewer who joined hears the greeting after this if no subscription was seen first. */
const GREETING_FALLBACK_MS = 1_500;

/** Parses a control packet; undefined (and a warning) for anything that is not one. */
export function parseControlPacket(payload: Uint8Array, log: Logger): ControlMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    log.warn({ bytes: payload.byteLength }, 'control packet is not JSON');
    return undefined;
  }
  const parsed = controlMessageSchema.safeParse(json);
  if (!parsed.success) {
    log.warn({ issues: parsed.error.issues.length }, 'control packet invalid');
    return undefined;
  }
  return parsed.data;
}

/** Fetches a clip the app stored and plays it; a clip that fails is reported, not fatal. */
async function playClip(
  conversation: Conversation,
  message: Extract<ControlMessage, { type: 'playAudio' }>,
  log: Logger,
): Promise<void> {
  try {
    const started = performance.now();
    const { pcm, sampleRateHz } = await fetchClip(message.url);
    log.info(
      { fetchMs: Math.round(performance.now() - started), samples: pcm.length, sampleRateHz },
      'audio clip fetched',
    );
    conversation.playClip(pcm, sampleRateHz, message.interrupt);
  } catch (error) {
    // The session goes on; the error is logged and reported.
    const reason = error instanceof Error ? error.message : 'The audio clip failed.';
    log.warn({ reason }, 'audio clip failed');
    conversation.reportError('audio_invalid', reason);
  }
}

/** Hands the room's control messages and chat to the conversation. */
export function listenToRoom(options: { room: Room; conversation: Conversation; log: Logger }) {
  const { room, conversation, log } = options;
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
      const message = parseControlPacket(payload, log);
      if (!message) return;
      switch (message.type) {
        case 'speak':
          log.info({ chars: message.text.length, interrupt: message.interrupt }, 'speak requested');
          conversation.speak(message.text, message.interrupt);
          break;
        case 'message':
          log.info(
            { chars: message.text.length, interrupt: message.interrupt },
            'message received',
          );
          conversation.userTurn({
            text: message.text,
            speaker: message.speaker,
            interrupt: message.interrupt,
            bounded: message.queue === 'bounded',
          });
          break;
        case 'playAudio':
          log.info(
            { durationMs: message.durationMs, interrupt: message.interrupt },
            'audio clip requested',
          );
          void playClip(conversation, message, log);
          break;
        case 'interrupt':
          conversation.interrupt('interrupt requested');
          break;
      }
    },
  );

  const readChat = async (reader: TextStreamReader, identity: string) => {
    try {
      const text = (await reader.readAll()).slice(0, SPEAK_MAX_CHARS);
      log.info({ chars: text.length, from: identity }, 'chat received');
      conversation.userTurn({ text, speaker: identity, interrupt: false });
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
}

/**
 * The greeting waits until someone hears the avatar: its audio track's first subscriber, or,
 * should that event not come, shortly after the first viewer joins. Viewers already in the
 * room (a session restarted on a fresh process) count as joined.
 */
export function greetFirstViewer(room: Room, conversation: Conversation): void {
  const greet = () => conversation.viewerJoined();
  room.on(RoomEvent.LocalTrackSubscribed, (track) => {
    if (track.kind === TrackKind.KIND_AUDIO) greet();
  });
  room.on(RoomEvent.ParticipantConnected, (participant: RemoteParticipant) => {
    if (participant.identity !== AVATAR_IDENTITY) setTimeout(greet, GREETING_FALLBACK_MS).unref();
  });
  if ([...room.remoteParticipants.values()].some((p) => p.identity !== AVATAR_IDENTITY))
    setTimeout(greet, GREETING_FALLBACK_MS).unref();
}
