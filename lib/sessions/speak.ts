import { z } from 'zod';
import { sendControl } from '@/lib/livekit/livekit';
import { SPEAK_MAX_CHARS } from '@/protocol/room-control';

export const speakBodySchema = z.object({
  text: z
    .string({ required_error: 'text is required' })
    .trim()
    .min(1, 'text must not be empty')
    .max(
      SPEAK_MAX_CHARS,
      `text must be at most ${SPEAK_MAX_CHARS} characters; split longer text into several requests`,
    ),
  interrupt: z.boolean().default(false),
});
export type SpeakBody = z.infer<typeof speakBodySchema>;

/** Asks the avatar in the room to say the text (queued unless interrupt). */
export async function speak(roomName: string, body: SpeakBody): Promise<void> {
  await sendControl(roomName, { type: 'speak', text: body.text, interrupt: body.interrupt });
}
