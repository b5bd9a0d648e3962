/**
 * Captions for everyone in the room, the way LiveKit's agents publish them, so any LiveKit
 * client's transcription hooks show them: text streams on topic `lk.transcription` with the
 * attributes `lk.segment_id`, `lk.transcribed_track_id` and `lk.transcription_final`.
 * - What the avatar says: one stream per utterance, written word by word as each word
 *   becomes audible (utterances.ts), closed when the utterance ends or is interrupted — so
 *   a caption never runs ahead of the voice and stops where the voice stopped.
 * - What users say: one final stream per turn, sent on the speaker's behalf.
 */
import type { Logger } from '../log';

export const TRANSCRIPTION_TOPIC = 'lk.transcription';
export const ATTRIBUTE_SEGMENT_ID = 'lk.segment_id';
export const ATTRIBUTE_TRACK_ID = 'lk.transcribed_track_id';
export const ATTRIBUTE_FINAL = 'lk.transcription_final';

interface TextWriter {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** What captions need from the room's local participant (rtc-node's LocalParticipant). */
export interface CaptionParticipant {
  streamText(options: {
    topic?: string;
    attributes?: Record<string, string>;
    senderIdentity?: string;
  }): Promise<TextWriter>;
}

interface OpenCaption {
  /** Writes run one after another, in order. */
  chain: Promise<TextWriter | undefined>;
  wordsWritten: number;
}

export class Captions {
  private readonly open = new Map<string, OpenCaption>();

  constructor(
    private readonly options: {
      participant: CaptionParticipant;
      /** The avatar's audio track id, once published. */
      audioTrackId: () => string | undefined;
      log: Logger;
    },
  ) {}

  /** Words of the avatar's utterance that just became audible. */
  avatarWords(utteranceId: string, words: string): void {
    let caption = this.open.get(utteranceId);
    if (!caption) {
      const trackId = this.options.audioTrackId();
      caption = {
        chain: this.options.participant
          .streamText({
            topic: TRANSCRIPTION_TOPIC,
            attributes: {
              [ATTRIBUTE_SEGMENT_ID]: utteranceId,
              [ATTRIBUTE_FINAL]: 'false',
              ...(trackId ? { [ATTRIBUTE_TRACK_ID]: trackId } : {}),
            },
          })
          .catch((error: unknown) => this.failed(error)),
        wordsWritten: 0,
      };
      this.open.set(utteranceId, caption);
    }
    const text = caption.wordsWritten === 0 ? words : ` ${words}`;
    caption.wordsWritten++;
    caption.chain = caption.chain
      .then(async (writer) => {
        await writer?.write(text);
        return writer;
      })
      .catch((error: unknown) => this.failed(error));
  }

  /** The utterance is over (heard to the end or interrupted): its stream closes. */
  avatarEnded(utteranceId: string): void {
    const caption = this.open.get(utteranceId);
    if (!caption) return;
    this.open.delete(utteranceId);
    void caption.chain
      .then((writer) => writer?.close())
      .catch((error: unknown) => this.failed(error));
  }

  /** A user's turn, final, on the speaker's behalf. */
  userSaid(options: { speaker: string; text: string; turnId: string; trackId?: string }): void {
    void (async () => {
      const writer = await this.options.participant.streamText({
        topic: TRANSCRIPTION_TOPIC,
        senderIdentity: options.speaker,
        attributes: {
          [ATTRIBUTE_SEGMENT_ID]: options.turnId,
          [ATTRIBUTE_FINAL]: 'true',
          ...(options.trackId ? { [ATTRIBUTE_TRACK_ID]: options.trackId } : {}),
        },
      });
      await writer.write(options.text);
      await writer.close();
    })().catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): undefined {
    // Captions are a courtesy: a failed stream never disturbs speech.
    this.options.log.warn({ err: error }, 'caption stream failed');
    return undefined;
  }
}
