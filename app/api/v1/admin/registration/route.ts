import { readJson } from '@/lib/api/errors';
import { withAuth } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { log } from '@/lib/log/logger';
import { getRegistrationMode, setRegistrationMode } from '@/lib/registration/registration-mode';
import { registrationSchema, type RegistrationBody } from './registration.types';
import { json } from '@/lib/api/respond';

/** GET /api/v1/admin/registration → {mode: open|invite|closed}. Admins only. */
export const GET = withAuth({ scope: 'admin' }, async () => {
  const body: RegistrationBody = { mode: await getRegistrationMode(await db()) };
  return json(registrationSchema, body, { headers: { 'cache-control': 'no-store' } });
});

/** PUT /api/v1/admin/registration {mode} → {mode}. Admins only. */
export const PUT = withAuth({ scope: 'admin' }, async ({ request, user }) => {
  const { mode } = registrationSchema.parse(await readJson(request));
  const body: RegistrationBody = { mode: await setRegistrationMode(await db(), mode) };
  log.info({ mode, adminId: user.id }, 'registration mode changed');
  return json(registrationSchema, body);
});
