/**
 * Who may create an account (an admin changes it at run time; AppSetting `registrationMode`):
 * `open` anyone (the default), `invite` only with a single-use invite link an admin made,
 * `closed` no one. The very first account of an installation may always register.
 */
import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';

export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export const registrationModeSchema = z.enum(REGISTRATION_MODES, {
  errorMap: () => ({ message: 'mode must be open, invite or closed' }),
});
export type RegistrationMode = z.infer<typeof registrationModeSchema>;

export const DEFAULT_REGISTRATION_MODE: RegistrationMode = 'open';
const SETTING_KEY = 'registrationMode';

type Client = PrismaClient | Prisma.TransactionClient;

/** The current mode; `open` when never set (or when the stored value is not a mode). */
export async function getRegistrationMode(prisma: Client): Promise<RegistrationMode> {
  const row = await prisma.appSetting.findUnique({ where: { key: SETTING_KEY } });
  const parsed = registrationModeSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_REGISTRATION_MODE;
}

export async function setRegistrationMode(
  prisma: PrismaClient,
  mode: RegistrationMode,
): Promise<RegistrationMode> {
  await prisma.appSetting.upsert({
    where: { key: SETTING_KEY },
    create: { key: SETTING_KEY, value: mode },
    update: { value: mode },
  });
  return mode;
}
