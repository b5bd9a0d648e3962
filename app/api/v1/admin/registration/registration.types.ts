/** Schemas of GET/PUT /api/v1/admin/registration. */
import { z } from 'zod';
import { registrationModeSchema } from '@/lib/registration/registration-mode';

/** PUT /api/v1/admin/registration; GET answers the same shape. */
export const registrationSchema = z.object({ mode: registrationModeSchema }).strict();
export type RegistrationBody = z.infer<typeof registrationSchema>;
