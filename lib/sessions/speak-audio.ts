/**
 * `POST /api/v1/sessions/:id/speak-audio`: an uploaded clip, checked and decoded here, stored
 * for one fetch, and handed to the avatar in the room as a `playAudio` control message with
 * the clip's capability URL. The avatar plays it with the mouth driven from the audio itself.
 */
import { ApiError, readForm } from '@/lib/api/errors';
import { storeClip, clipUrl } from '@/lib/clips/clip-store';
import {
  CLIP_MAX_UPLOAD_BYTES,
  clipTooLarge,
  decodeAudioClip,
} from '@/lib/clips/decode-audio-clip';
import { ACCEPTED_AUDIO_NAMES } from '@/lib/clips/sniff-audio';
import { sendControl } from '@/lib/livekit/livekit';

/** Room for the multipart framing and the other fields around the clip, bytes. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export interface ClipUpload {
  audio: Uint8Array;
  interrupt: boolean;
}

/**
 * Reads the multipart body (`audio`, `interrupt?`), refusing it with 413 as soon as it passes
 * 20 MB and the framing, so an oversized upload is never held whole.
 */
export async function readClipUpload(request: Request): Promise<ClipUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new ApiError(
      'unprocessable',
      `Send the clip as multipart/form-data with the field "audio" (${ACCEPTED_AUDIO_NAMES}).`,
    );
  }
  const form = await readForm(
    request,
    CLIP_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES,
    clipTooLarge,
    'The multipart body cannot be read. Send the clip as multipart/form-data with the field "audio".',
  );
  const audio = form.get('audio');
  if (!(audio instanceof Blob)) {
    throw new ApiError(
      'unprocessable',
      `Missing "audio": attach the clip as a file (${ACCEPTED_AUDIO_NAMES}, at most 60 seconds and 20 MB).`,
    );
  }
  if (audio.size > CLIP_MAX_UPLOAD_BYTES) throw clipTooLarge();
  const interrupt = form.get('interrupt') ?? 'false';
  if (interrupt !== 'true' && interrupt !== 'false')
    throw new ApiError('unprocessable', 'interrupt must be "true" or "false".');
  return { audio: new Uint8Array(await audio.arrayBuffer()), interrupt: interrupt === 'true' };
}

/**
 * Decodes the clip, stores it for the worker and asks the avatar in the room to play it
 * (queued unless `interrupt`). Returns the clip's length, ms.
 */
export async function speakAudio(options: {
  roomName: string;
  upload: ClipUpload;
  dataDir: string;
  appUrl: string;
}): Promise<{ durationMs: number }> {
  const clip = await decodeAudioClip(options.upload.audio);
  const token = await storeClip({ dataDir: options.dataDir, wav: clip.wav });
  await sendControl(options.roomName, {
    type: 'playAudio',
    url: clipUrl(options.appUrl, token),
    interrupt: options.upload.interrupt,
    durationMs: clip.durationMs,
  });
  return { durationMs: clip.durationMs };
}
