/** Request schemas of the room routes (/api/watch/:key/token, /api/join/:key/token, /api/rooms/…). */
import { z } from 'zod';
import { typedTextSchema } from '@/lib/api/typed-text-schema';
import { DISPLAY_NAME_MAX_CHARS } from '@/lib/rooms/display-name';
import { CHAT_MAX_CHARS } from '@/lib/rooms/room-event-types';

/** Body of a token request through a link: the display name (guests must give one). */
export const joinSchema = z.object({
  name: z
    .string({ invalid_type_error: 'name must be a string' })
    // Sanitising may shorten it; a pasted essay is refused before.
    .max(DISPLAY_NAME_MAX_CHARS * 4, `name must be at most ${DISPLAY_NAME_MAX_CHARS} characters`)
    .optional(),
});

export const chatSchema = z.object({
  text: typedTextSchema(CHAT_MAX_CHARS, `text must be at most ${CHAT_MAX_CHARS} characters`),
  kind: z
    .enum(['chat', 'question'], { errorMap: () => ({ message: 'kind must be chat or question' }) })
    .default('chat'),
});

export const questionDecisionSchema = z.object({
  action: z.enum(['approve', 'dismiss'], {
    errorMap: () => ({ message: 'action must be approve or dismiss' }),
  }),
});

export const moderationSchema = z.object({
  action: z.enum(['mute', 'unmute', 'remove', 'promote', 'demote'], {
    errorMap: () => ({ message: 'action must be mute, unmute, remove, promote or demote' }),
  }),
  reason: z.string().trim().max(200, 'reason must be at most 200 characters').optional(),
});

export const roomSettingsSchema = z
  .object({
    locked: z.boolean({ invalid_type_error: 'locked must be true or false' }).optional(),
    rotateLink: z
      .literal(true, { errorMap: () => ({ message: 'rotateLink must be true' }) })
      .optional(),
  })
  .refine((v) => v.locked !== undefined || v.rotateLink !== undefined, {
    message: 'Send locked and/or rotateLink: true',
  });
