/**
 * Viewers' voices into the conversation. The session subscribes to each microphone track a
 * participant publishes (LiveKit's grants decide who may publish one: the owner always,
 * guests when the owner allows it), finds turns in it (voice-activity.ts), and hands each
 * turn, transcribed, to the conversation as that participant's user turn. A turn that starts
 * while the avatar speaks interrupts it (barge-in) once it is real speech. The transcript is
 * asked for at the first pause, so at the end of the turn it is usually ready.
 */
import {
  AudioStream,
  RoomEvent,
  TrackKind,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Room,
} from '@livekit/rtc-node';
import { randomUUID } from 'node:crypto';
import type { TranscriptionSettings } from '../../protocol/conversation';
import { transcribeWav } from '../../protocol/providers/transcription';
import { AVATAR_IDENTITY } from '../../protocol/room-control';
import type { Captions } from '../conversation/captions';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../log';
import { encodeWav } from '../tts/wav';
import { transcribeOffline } from './offline-transcriber';
import { VoiceActivity, type VoiceActivityEvent } from './voice-activity';

const SAMPLE_RATE_HZ = 16_000;

export type Transcribe = (wav: Uint8Array, signal: AbortSignal) => Promise<string>;

/** The transcriber the settings name; undefined when voice input is off. */
export function transcriberFor(
  settings: TranscriptionSettings | undefined,
  fetchImpl?: typeof fetch,
): Transcribe | undefined {
  if (!settings || settings.provider === 'off') return undefined;
  if (settings.provider === 'offline') return (wav, signal) => transcribeOffline(wav, { signal });
  return (wav, signal) =>
    transcribeWav(
      {
        baseUrl: settings.baseUrl,
        model: settings.model,
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
        ...(settings.language ? { language: settings.language } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      },
      wav,
      { signal },
    );
}

export interface VoiceInputOptions {
  room: Room;
  conversation: Conversation;
  captions: Captions;
  settings: Exclude<TranscriptionSettings, { provider: 'off' }>;
  log: Logger;
  /** Whether the avatar is speaking now (a turn then needs real speech to start). */
  avatarSpeaking: () => boolean;
  /** Replaces the transcriber the settings name (tests). */
  transcribe?: Transcribe;
}

export interface VoiceInput {
  close(): void;
}

interface Speaker {
  identity: string;
  trackSid: string;
  stream: AudioStream;
  closed: boolean;
  /** Ends the read loop (cancels the stream's reader). */
  stop: () => void;
}

export function startVoiceInput(options: VoiceInputOptions): VoiceInput {
  const { room, conversation, captions, settings, log } = options;
  const transcribe = options.transcribe ?? transcriberFor(settings)!;
  const speakers = new Map<string, Speaker>();
  const aborts = new AbortController();

  const subscribe = (publication: RemoteTrackPublication, participant: RemoteParticipant) => {
    if (participant.identity === AVATAR_IDENTITY) return;
    if (publication.source !== TrackSource.SOURCE_MICROPHONE) return;
    if (!publication.subscribed) publication.setSubscribed(true);
  };

  const listen = (track: RemoteTrack, participant: RemoteParticipant) => {
    const key = `${participant.identity}/${track.sid}`;
    if (speakers.has(key)) return;
    const speaker: Speaker = {
      identity: participant.identity,
      trackSid: track.sid ?? '',
      stream: new AudioStream(track, SAMPLE_RATE_HZ, 1),
      closed: false,
      stop: () => undefined,
    };
    speakers.set(key, speaker);
    log.info({ speaker: speaker.identity }, 'listening to a microphone');
    void run(speaker).finally(() => speakers.delete(key));
  };

  const stopListening = (identity: string, trackSid?: string) => {
    for (const speaker of speakers.values()) {
      if (speaker.identity === identity && (!trackSid || speaker.trackSid === trackSid)) {
        speaker.closed = true;
        speaker.stop();
      }
    }
  };

  /** One speaker: frames → turns → transcripts → user turns, one turn at a time. */
  const run = async (speaker: Speaker) => {
    const vad = new VoiceActivity({
      sampleRateHz: SAMPLE_RATE_HZ,
      endOfTurnSilenceMs: settings.endOfTurnSilenceMs,
    });
    /** The transcript asked for at the last pause, with the audio version it covers. */
    let ahead: { version: number; text: Promise<string> } | undefined;
    let talking = false;
    const setTalking = (value: boolean) => {
      if (talking === value) return;
      talking = value;
      conversation.setListening(value);
    };
    const handle = (event: VoiceActivityEvent) => {
      switch (event.type) {
        case 'start':
          setTalking(true);
          // Real speech while the avatar talks or thinks: it stops for the person.
          if (conversation.busy) conversation.interrupt('barge-in');
          return;
        case 'pause': {
          const pending = { version: event.version, text: transcribeSafely(event.pcm) };
          ahead = pending;
          // Still paused when the words are back: the model starts on them (held until the
          // turn ends as it was).
          void pending.text.then((said) => {
            if (ahead === pending && vad.inTurn && vad.voicedVersion === pending.version)
              conversation.prepareTurn(said);
          });
          return;
        }
        case 'discard':
          ahead = undefined;
          conversation.cancelPrepared();
          setTalking(false);
          return;
        case 'end': {
          const text = ahead?.version === event.version ? ahead.text : transcribeSafely(event.pcm);
          ahead = undefined;
          setTalking(false);
          void text.then((said) => {
            if (speaker.closed && aborts.signal.aborted) return;
            if (said === '') {
              conversation.cancelPrepared();
              log.info(
                { speaker: speaker.identity, audioMs: msOf(event.pcm) },
                'nothing recognised',
              );
              return;
            }
            const turnId = randomUUID();
            log.info({ speaker: speaker.identity, chars: said.length }, 'voice turn');
            captions.userSaid({
              speaker: speaker.identity,
              text: said,
              turnId,
              trackId: speaker.trackSid,
            });
            const turn = {
              text: said,
              speaker: speaker.identity,
              interrupt: true,
              startedAt: Math.round(event.startedAtMs),
              endedAt: Math.round(event.endedAtMs),
            };
            if (!conversation.commitPrepared(turn)) conversation.userTurn(turn);
          });
          return;
        }
      }
    };
    const transcribeSafely = async (pcm: Int16Array): Promise<string> => {
      const started = performance.now();
      try {
        const text = await transcribe(encodeWav(pcm, SAMPLE_RATE_HZ), aborts.signal);
        log.debug(
          { audioMs: msOf(pcm), transcribeMs: Math.round(performance.now() - started) },
          'transcribed',
        );
        return text;
      } catch (error) {
        if (aborts.signal.aborted) return '';
        const message = error instanceof Error ? error.message : String(error);
        log.warn({ reason: message, speaker: speaker.identity }, 'transcription failed');
        conversation.reportError('transcription_failed', message);
        return '';
      }
    };
    const reader = speaker.stream.getReader();
    speaker.stop = () => void reader.cancel().catch(() => undefined);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || speaker.closed) break;
        vad.avatarSpeaking = options.avatarSpeaking();
        for (const event of vad.push(value.data, Date.now())) handle(event);
      }
    } catch (error) {
      if (!speaker.closed)
        log.warn({ err: error, speaker: speaker.identity }, 'microphone stream failed');
    } finally {
      const last = vad.flush(Date.now());
      if (last && !aborts.signal.aborted) handle(last);
      setTalking(false);
    }
  };

  room.on(RoomEvent.TrackPublished, subscribe);
  room.on(RoomEvent.TrackSubscribed, (track, publication, participant) => {
    if (track.kind === TrackKind.KIND_AUDIO && publication.source === TrackSource.SOURCE_MICROPHONE)
      if (participant.identity !== AVATAR_IDENTITY) listen(track, participant);
  });
  room.on(RoomEvent.TrackUnsubscribed, (track, _publication, participant) =>
    stopListening(participant.identity, track.sid),
  );
  room.on(RoomEvent.ParticipantDisconnected, (participant) => stopListening(participant.identity));
  for (const participant of room.remoteParticipants.values()) {
    for (const publication of participant.trackPublications.values())
      subscribe(publication, participant);
  }

  return {
    close() {
      aborts.abort();
      for (const speaker of speakers.values()) {
        speaker.closed = true;
        speaker.stop();
      }
    },
  };
}

const msOf = (pcm: Int16Array) => Math.round((pcm.length / SAMPLE_RATE_HZ) * 1000);
