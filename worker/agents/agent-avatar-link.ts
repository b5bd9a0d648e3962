/**
 * The avatar side of LiveKit Agents' avatar protocol (agents-js `voice/avatar`, Python
 * `livekit.agents.voice.avatar`), for a session that is the face of an agent:
 *
 * - each byte stream on `lk.audio_stream` from the agent is one speech segment: decoded,
 *   resampled and streamed into the session's speech player, which drives the mouth from the
 *   audio and publishes it in step with the video; the stream closing ends the segment;
 * - RPC `lk.clear_buffer` from the agent answers "ok" at once (also when idle), drops what is
 *   queued and silences the avatar;
 * - RPC `lk.playback_started` to the agent when a segment's first audio is heard, and
 *   `lk.playback_finished` once per segment, when it has been heard to its end or was cut off,
 *   with the seconds played.
 *
 * Only the agent (the identity the avatar's token names in `lk.publish_on_behalf`) is heard:
 * streams from anyone else are dropped and their RPCs answered "reject". The agent counts one
 * finished event per segment it sent and waits for them (`waitForPlayout`), so every segment
 * gets exactly one, also a segment that brought no playable audio.
 */
import type { Logger } from '../log';
import type { UtteranceEnded, UtteranceStarted } from '../session/utterances';
import { AUDIO_STREAM_TOPIC, AgentAudioDecoder, audioFormatOf } from './agent-audio';

export const RPC_CLEAR_BUFFER = 'lk.clear_buffer';
export const RPC_PLAYBACK_FINISHED = 'lk.playback_finished';
export const RPC_PLAYBACK_STARTED = 'lk.playback_started';

/** What the link needs of the session's speech player (worker/session/speech-player.ts). */
export interface AgentSpeech {
  stream(pcm: Int16Array, sampleRateHz: number, utteranceId: string): void;
  endUtterance(utteranceId: string): void;
  interrupt(): void;
}

/** The parts of rtc-node's ByteStreamReader the link reads. */
export interface AgentStreamReader extends AsyncIterable<Uint8Array> {
  readonly info: { streamId: string; attributes?: Record<string, string> };
  close(): Promise<void>;
}

export interface AgentRpcInvocation {
  callerIdentity: string;
  payload: string;
}

/** The parts of rtc-node's Room the link uses (a fake in unit tests). */
export interface AgentLinkRoom {
  registerByteStreamHandler(
    topic: string,
    handler: (reader: AgentStreamReader, participant: { identity: string }) => void,
  ): void;
  unregisterByteStreamHandler(topic: string): void;
  readonly localParticipant?: {
    registerRpcMethod(method: string, handler: (data: AgentRpcInvocation) => Promise<string>): void;
    unregisterRpcMethod(method: string): void;
    performRpc(params: {
      destinationIdentity: string;
      method: string;
      payload: string;
      responseTimeout?: number;
    }): Promise<string>;
  };
}

export interface AgentLinkOptions {
  room: AgentLinkRoom;
  /** The agent's identity: `lk.publish_on_behalf` in the avatar's token. */
  agentIdentity: string;
  speech: AgentSpeech;
  /** The session's audio rate, Hz. */
  sampleRateHz: number;
  /** The player's audio frame, samples: pieces are whole frames. */
  frameSamples: number;
  log: Logger;
}

/** The payload of `lk.playback_finished`, as the agents frameworks parse it. */
export interface PlaybackFinished {
  playback_position: number;
  interrupted: boolean;
  synchronized_transcript: null;
}

interface Segment {
  utteranceId: string;
  reader: AgentStreamReader;
  /** Samples handed to the player, at the session's rate. */
  samples: number;
  /** Dropped by a clear: later chunks of its stream are not played. */
  cleared: boolean;
  finished: boolean;
}

/** How long the agent has to take an RPC from the avatar, ms. */
const RPC_TIMEOUT_MS = 5_000;
/** Smallest piece handed to the player: two 20 ms frames. Smaller costs a piece per frame. */
const MIN_PIECE_FRAMES = 2;

export class AgentAvatarLink {
  private readonly segments = new Map<string, Segment>();
  /** The segment whose stream is being read; a new stream from the agent supersedes it. */
  private current: Segment | undefined;
  private closed = false;

  constructor(private readonly options: AgentLinkOptions) {
    const { room, log } = options;
    const participant = room.localParticipant;
    if (!participant) throw new Error('the avatar is not connected');
    room.registerByteStreamHandler(AUDIO_STREAM_TOPIC, (reader, from) => {
      void this.receive(reader, from.identity).catch((error: unknown) =>
        log.warn({ err: error }, 'agent audio stream failed'),
      );
    });
    participant.registerRpcMethod(RPC_CLEAR_BUFFER, (data) =>
      Promise.resolve(this.clearBuffer(data.callerIdentity)),
    );
  }

  /** The player says an utterance became audible (its speech listener). */
  utteranceStarted(event: UtteranceStarted): void {
    const segment = this.segments.get(event.utteranceId);
    if (!segment || segment.finished) return;
    this.notify(RPC_PLAYBACK_STARTED, '');
  }

  /** The player says an utterance ended, heard to its end or cut off. */
  utteranceEnded(event: UtteranceEnded): void {
    const segment = this.segments.get(event.utteranceId);
    if (!segment) return;
    const receivedSeconds = segment.samples / this.options.sampleRateHz;
    const heardSeconds = event.started ? (event.endedAt - event.startedAt) / 1000 : 0;
    this.finish(segment, {
      interrupted: event.interrupted,
      seconds: event.interrupted ? Math.min(receivedSeconds, heardSeconds) : receivedSeconds,
    });
  }

  /** Stops listening; segments still open are not reported (the room is going away). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { room } = this.options;
    room.unregisterByteStreamHandler(AUDIO_STREAM_TOPIC);
    room.localParticipant?.unregisterRpcMethod(RPC_CLEAR_BUFFER);
    for (const segment of this.segments.values()) void segment.reader.close();
    this.segments.clear();
    this.current = undefined;
  }

  /** `lk.clear_buffer`: "ok" at once, always (a sender waits for it with no timeout). */
  private clearBuffer(callerIdentity: string): string {
    if (callerIdentity !== this.options.agentIdentity) {
      this.options.log.warn(
        { callerIdentity },
        'clear_buffer from a participant that is not the agent',
      );
      return 'reject';
    }
    const open = [...this.segments.values()];
    for (const segment of open) segment.cleared = true;
    // Ends every utterance in the player, interrupted: utteranceEnded reports each.
    this.options.speech.interrupt();
    // Segments that had not reached the player yet (no audio so far) end here.
    for (const segment of open) this.finish(segment, { interrupted: true, seconds: 0 });
    this.options.log.info({ segments: open.length }, 'agent cleared the buffer');
    return 'ok';
  }

  private async receive(reader: AgentStreamReader, from: string): Promise<void> {
    const { log, agentIdentity, speech, sampleRateHz } = this.options;
    if (from !== agentIdentity || this.closed) {
      log.warn({ from }, 'audio stream from a participant that is not the agent, dropped');
      await reader.close();
      return;
    }
    // The sender never overlaps segments: a new one means the last one's end was lost.
    if (this.current) this.endStream(this.current);
    const segment: Segment = {
      utteranceId: `agent-${reader.info.streamId}`,
      reader,
      samples: 0,
      cleared: false,
      finished: false,
    };
    this.segments.set(segment.utteranceId, segment);
    this.current = segment;

    const check = audioFormatOf(reader.info.attributes);
    if (!check.ok) {
      log.warn(
        { reason: check.reason, streamId: reader.info.streamId },
        'agent audio stream ignored',
      );
      await reader.close();
      this.endStream(segment);
      return;
    }
    const decoder = new AgentAudioDecoder(check.format, sampleRateHz);
    const pieces = new FramePieces(
      this.options.frameSamples * MIN_PIECE_FRAMES,
      this.options.frameSamples,
    );
    const play = (pcm: Int16Array) => {
      if (pcm.length === 0 || segment.cleared || segment.finished) return;
      segment.samples += pcm.length;
      speech.stream(pcm, sampleRateHz, segment.utteranceId);
    };
    try {
      for await (const chunk of reader) {
        if (segment.cleared || segment.finished || this.closed) break;
        for (const piece of pieces.push(decoder.push(chunk))) play(piece);
      }
      if (!segment.cleared && !segment.finished) {
        for (const piece of pieces.push(decoder.finish())) play(piece);
        play(pieces.rest());
      }
    } finally {
      decoder.close();
      if (segment.cleared || segment.finished) await reader.close();
      this.endStream(segment);
    }
  }

  /** The segment's stream is over: the player ends it once heard; no audio: ends now. */
  private endStream(segment: Segment): void {
    if (this.current === segment) this.current = undefined;
    if (segment.finished || segment.cleared) return;
    if (segment.samples === 0) this.finish(segment, { interrupted: false, seconds: 0 });
    else this.options.speech.endUtterance(segment.utteranceId);
  }

  private finish(segment: Segment, result: { interrupted: boolean; seconds: number }): void {
    if (segment.finished) return;
    segment.finished = true;
    this.segments.delete(segment.utteranceId);
    const payload: PlaybackFinished = {
      playback_position: Math.round(result.seconds * 1000) / 1000,
      interrupted: result.interrupted,
      synchronized_transcript: null,
    };
    this.notify(RPC_PLAYBACK_FINISHED, JSON.stringify(payload));
  }

  /** An RPC to the agent; a failure (it left, it does not take the method) is logged. */
  private notify(method: string, payload: string): void {
    const participant = this.options.room.localParticipant;
    if (!participant || this.closed) return;
    participant
      .performRpc({
        destinationIdentity: this.options.agentIdentity,
        method,
        payload,
        responseTimeout: RPC_TIMEOUT_MS,
      })
      .catch((error: unknown) =>
        // lk.playback_started goes unanswered by senders that do not wait for it.
        this.options.log.debug({ err: error, method }, 'RPC to the agent failed'),
      );
  }
}

/**
 * Cuts a stream of samples into pieces of whole frames, at least `minSamples` long, carrying
 * the remainder to the next push; `rest()` gives what is left at the end.
 */
export class FramePieces {
  private held: Int16Array = new Int16Array(0);

  constructor(
    private readonly minSamples: number,
    private readonly frameSamples: number,
  ) {}

  push(pcm: Int16Array): Int16Array[] {
    if (pcm.length === 0) return [];
    const all = new Int16Array(this.held.length + pcm.length);
    all.set(this.held, 0);
    all.set(pcm, this.held.length);
    if (all.length < this.minSamples) {
      this.held = all;
      return [];
    }
    const whole = all.length - (all.length % this.frameSamples);
    this.held = all.slice(whole);
    return [all.slice(0, whole)];
  }

  rest(): Int16Array {
    const rest = this.held;
    this.held = new Int16Array(0);
    return rest;
  }
}
