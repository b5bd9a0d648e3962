/** Schemas of /api/v1/admin/invites (responses: lib/registration/create-invite.ts, invite-view.ts). */
import { z } from 'zod';
import {
  INVITE_DEFAULT_DAYS,
  INVITE_MAX_DAYS,
  INVITE_NOTE_MAX_CHARS,
} from '@/lib/registration/create-invite';

/** POST /api/v1/admin/invites */
export const createInviteSchema = z
  .object({
    /** Who the invite is for, for the admins' list; never shown to the invitee. */
    note: z
      .string({ invalid_type_error: 'note must be a string' })
      .trim()
      .max(INVITE_NOTE_MAX_CHARS, `note must be at most ${INVITE_NOTE_MAX_CHARS} characters`)
      .optional(),
    expiresInDays: z
      .number({ invalid_type_error: 'expiresInDays must be a number of days' })
      .int('expiresInDays must be a whole number of days')
      .min(1, 'expiresInDays must be at least 1')
      .max(INVITE_MAX_DAYS, `expiresInDays must be at most ${INVITE_MAX_DAYS}`)
      .default(INVITE_DEFAULT_DAYS),
  })
  .strict();
