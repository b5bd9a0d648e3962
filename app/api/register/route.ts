import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { clientIp } from '@/lib/rate-limits/client-ip';
import { consumeRateLimit } from '@/lib/rate-limits/rate-limit';
import { registrationRule } from '@/lib/rate-limits/rules';
import { registerUser } from '@/lib/registration/register-user';

const registerSchema = z.object({
  email: z.string({ required_error: 'email is required' }),
  password: z.string({ required_error: 'password is required' }),
  /** The secret of an invite link (`/register?invite=<secret>`), in `invite` mode. */
  invite: z.string().max(200).optional(),
});

/**
 * POST /api/register {email, password, invite?} → 201 {id, email, isAdmin}; 403 `forbidden`
 * when the registration mode refuses (closed, or invite mode without a usable invite); 429
 * past FACECAST_REGISTRATIONS_PER_HOUR from one address.
 */
export const POST = withErrors(async ({ request }) => {
  const body = registerSchema.parse(await readJson(request));
  const prisma = await db();
  await consumeRateLimit(prisma, registrationRule(), clientIp(request.headers));
  const user = await registerUser(prisma, body);
  return Response.json(user, { status: 201 });
});
