'use client';
/**
 * The viewer's microphone in the session's LiveKit room: published (with the browser's echo
 * cancellation, noise suppression and gain control, so the avatar's own voice from the
 * speakers is not heard as the viewer talking) when the viewer talks, muted when not. The
 * session process listens to every microphone in the room; the token decides who may
 * publish one. Presses that come faster than the browser opens the microphone are settled in
 * order: the last wish wins (a push-to-talk released early ends muted).
 */
import {
  type LocalAudioTrack,
  MediaDeviceFailure,
  type Room,
  RoomEvent,
  Track,
  createAudioAnalyser,
} from 'livekit-client';
import { useCallback, useEffect, useRef, useState } from 'react';

const CAPTURE = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
/** How often the level meter reads the microphone, ms. */
const LEVEL_INTERVAL_MS = 100;

export interface Microphone {
  /** Published and not muted: the avatar hears the viewer. */
  on: boolean;
  /** Being opened or closed. */
  busy: boolean;
  /** Loudness 0..1 while on. */
  level: number;
  error: string | null;
  /** Asks for the microphone on or off; resolves once the room reflects the last wish. */
  set: (on: boolean) => Promise<void>;
}

/** A sentence a viewer can act on, for a failure to open or publish the microphone. */
export function microphoneProblem(error: unknown): string {
  switch (MediaDeviceFailure.getFailure(error)) {
    case MediaDeviceFailure.PermissionDenied:
      return "The browser blocked the microphone. Allow the microphone in your browser's site settings, then press the mic again.";
    case MediaDeviceFailure.NotFound:
      return 'No microphone was found. Connect one and press the mic again.';
    case MediaDeviceFailure.DeviceInUse:
      return 'The microphone is in use by another application. Close it and press the mic again.';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return /permission|not allowed|insufficient/i.test(message)
        ? 'The host has not allowed you to talk in this session.'
        : `The microphone could not be turned on: ${message}`;
    }
  }
}

export function useMicrophone(room: Room | null, allowed: boolean): Microphone {
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const wanted = useRef(false);
  const settling = useRef<Promise<void> | null>(null);

  // The room's own state is the truth: also LiveKit unpublishing it when permission goes.
  useEffect(() => {
    if (!room) return;
    const sync = () => setOn(room.localParticipant.isMicrophoneEnabled);
    room
      .on(RoomEvent.LocalTrackPublished, sync)
      .on(RoomEvent.LocalTrackUnpublished, sync)
      .on(RoomEvent.TrackMuted, sync)
      .on(RoomEvent.TrackUnmuted, sync)
      .on(RoomEvent.Disconnected, sync);
    sync();
    return () => {
      room
        .off(RoomEvent.LocalTrackPublished, sync)
        .off(RoomEvent.LocalTrackUnpublished, sync)
        .off(RoomEvent.TrackMuted, sync)
        .off(RoomEvent.TrackUnmuted, sync)
        .off(RoomEvent.Disconnected, sync);
    };
  }, [room]);

  const settle = useCallback(async () => {
    if (!room) return;
    setBusy(true);
    try {
      // Each round follows the latest wish; a few rounds cover any run of presses, and a
      // room that does not take the change ends the loop instead of spinning.
      for (let round = 0; wanted.current !== room.localParticipant.isMicrophoneEnabled; round++) {
        if (round === 4) throw new Error('the room did not take the change');
        await room.localParticipant.setMicrophoneEnabled(wanted.current, CAPTURE);
      }
      setError(null);
    } catch (failure) {
      wanted.current = false;
      setError(microphoneProblem(failure));
      await room.localParticipant.setMicrophoneEnabled(false).catch(() => undefined);
    } finally {
      setBusy(false);
      setOn(room.localParticipant.isMicrophoneEnabled);
    }
  }, [room]);

  const set = useCallback(
    async (next: boolean) => {
      wanted.current = next && allowed;
      // One settling loop at a time: a wish made while one runs is followed by its next
      // round, or by one more loop when it came after the last round.
      for (let loop = 0; loop < 2 && room; loop++) {
        settling.current ??= settle().finally(() => {
          settling.current = null;
        });
        await settling.current;
        if (wanted.current === room.localParticipant.isMicrophoneEnabled) break;
      }
    },
    [allowed, room, settle],
  );

  // Permission taken away (the owner turned guests' talking off): the mic goes off too.
  useEffect(() => {
    if (!allowed && wanted.current) void set(false);
  }, [allowed, set]);

  // A cheap level meter while on.
  useEffect(() => {
    if (!room || !on) {
      setLevel(0);
      return;
    }
    const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track;
    if (!track) return;
    const analyser = createAudioAnalyser(track as LocalAudioTrack, { cloneTrack: true });
    const timer = setInterval(() => setLevel(analyser.calculateVolume()), LEVEL_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      void analyser.cleanup();
    };
  }, [room, on]);

  return { on, busy, level, error, set };
}
