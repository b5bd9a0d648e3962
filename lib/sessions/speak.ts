import { z } from 'zod';
import { typedTextSchema } from '@/lib/api/typed-text-schema';
import { sendControl } from '@/lib/livekit/livekit';
import { SPEAK_MAX_CHARS } from '@/protocol/room-control';

const textSchema = typedTextSchema(
  SPEAK_MAX_CHARS,
  `text must be at most ${SPEAK_MAX_CHARS} characters; split longer text into several requests`,
);
const interruptSchema = z.boolean({ invalid_type_error: 'interrupt must be true or false' });

export const speakBodySchema = z.object({
  text: textSchema,
  interrupt: interruptSchema.default(false),
});
export type SpeakBody = z.infer<typeof speakBodySchema>;

/** `POST /api/v1/sessions/:id/messages`: a user turn; it interrupts by default. */
export const messageBodySchema = z.object({
  text: textSchema,
  interrupt: interruptSchema.default(true),
});
export type MessageBody = z.infer<typeof messageBodySchema>;

/** Asks the avatar in the room to say the text verbatim (queued unless interrupt). */
export async function speak(roomName: string, body: SpeakBody): Promise<void> {
  await sendControl(roomName, { type: 'speak', text: body.text, interrupt: body.interrupt });
}

/** A user turn for the avatar: answered by the model in chat mode, said as is in echo mode. */
export async function sendMessage(
  roomName: string,
  body: MessageBody & { speaker: string },
): Promise<void> {
  await sendControl(roomName, {
    type: 'message',
    text: body.text,
    interrupt: body.interrupt,
    speaker: body.speaker,
  });
}

/** Stops the avatar at once: the model's answer, queued and playing speech. */
export async function interruptAvatar(roomName: string): Promise<void> {
  await sendControl(roomName, { type: 'interrupt' });
}
