'use client';
/**
 * Captions of what the avatar says, from the LiveKit transcription text streams the session
 * publishes (topic `lk.transcription`, one stream per utterance written word by word as the
 * words become audible, closed when the utterance ends). A caption stays a moment after its
 * utterance ends so the last words can be read. The viewer's choice to show them is kept in
 * localStorage.
 */
import type { Room, TextStreamReader } from 'livekit-client';
import { useCallback, useEffect, useState } from 'react';
import { AVATAR_IDENTITY } from '@/protocol/room-control';

export const TRANSCRIPTION_TOPIC = 'lk.transcription';
const SEGMENT_ATTRIBUTE = 'lk.segment_id';
const FINAL_ATTRIBUTE = 'lk.transcription_final';
/** How long a finished caption stays on screen, ms. */
const LINGER_MS = 2_500;
const STORAGE_KEY = 'facecast.captions';

export interface Caption {
  segmentId: string;
  text: string;
  /** The utterance is over (heard to the end or interrupted). */
  done: boolean;
}

/**
 * Shows the avatar's captions through `onCaption` (null: nothing to show). Register before
 * `room.connect`; returns a function that stops following.
 */
export function followCaptions(
  room: Room,
  onCaption: (caption: Caption | null) => void,
  /**
   * What a person in the room said: one final stream per turn, which the session sends on the
   * speaker's behalf (`identity` null when it arrives as the avatar's, as from rtc-node).
   */
  onUserSaid?: (identity: string | null, text: string) => void,
) {
  let current: string | undefined;
  let clearTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const read = async (reader: TextStreamReader) => {
    const segmentId = reader.info.attributes?.[SEGMENT_ATTRIBUTE] ?? reader.info.id;
    current = segmentId;
    clearTimeout(clearTimer);
    let text = '';
    try {
      for await (const delta of reader) {
        if (stopped) return;
        text += delta;
        if (current === segmentId) onCaption({ segmentId, text, done: false });
      }
    } catch {
      // A broken stream ends the caption like a finished one.
    }
    if (stopped || current !== segmentId) return;
    onCaption({ segmentId, text, done: true });
    clearTimer = setTimeout(() => {
      if (current === segmentId) onCaption(null);
    }, LINGER_MS);
  };

  room.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader, participantInfo) => {
    // What users said is in the transcript; captions show the avatar's voice.
    // A user's turn opens final; the avatar's utterances open with `lk.transcription_final`
    // "false" and grow word by word.
    const fromAvatar = participantInfo.identity === AVATAR_IDENTITY;
    if (!fromAvatar || reader.info.attributes?.[FINAL_ATTRIBUTE] === 'true') {
      void reader
        .readAll()
        .then((text) => {
          if (!stopped && text.trim() !== '') {
            onUserSaid?.(fromAvatar ? null : participantInfo.identity, text);
          }
        })
        .catch(() => undefined);
      return;
    }
    void read(reader);
  });
  return () => {
    stopped = true;
    clearTimeout(clearTimer);
    room.unregisterTextStreamHandler(TRANSCRIPTION_TOPIC);
  };
}

/** Whether captions are shown: on unless the viewer turned them off on this browser. */
export function useCaptionsEnabled(): [boolean, (on: boolean) => void] {
  const [enabled, setEnabled] = useState(true);
  useEffect(() => {
    try {
      setEnabled(localStorage.getItem(STORAGE_KEY) !== 'off');
    } catch {
      // Storage blocked: captions stay on.
    }
  }, []);
  const set = useCallback((on: boolean) => {
    setEnabled(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
  }, []);
  return [enabled, set];
}

export function CaptionOverlay({ caption }: { caption: Caption | null }) {
  if (!caption || caption.text.trim() === '') return null;
  return (
    <div
      className="captions"
      data-testid="captions"
      data-segment={caption.segmentId}
      data-done={caption.done}
    >
      <span>{caption.text}</span>
    </div>
  );
}
