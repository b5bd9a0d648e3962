import { z } from 'zod';
import { cleanTypedText, codePointLength } from '@/protocol/typed-text';

/**
 * A request's `text` field as people type it: unsafe control and bidi characters removed
 * (protocol/typed-text.ts), trimmed, not empty, and at most `maxChars` code points (an emoji
 * counts as one). Refusals are 422s with `tooLongMessage` or "text must not be empty".
 */
export function typedTextSchema(maxChars: number, tooLongMessage: string) {
  return z
    .string({ required_error: 'text is required', invalid_type_error: 'text must be a string' })
    .transform((raw) => cleanTypedText(raw).trim())
    .superRefine((text, ctx) => {
      if (text === '') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'text must not be empty' });
      } else if (codePointLength(text) > maxChars) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: tooLongMessage });
      }
    });
}
