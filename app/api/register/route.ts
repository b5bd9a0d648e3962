import { z } from 'zod';
import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { createUser } from '@/lib/users/create-user';

const registerSchema = z.object({
  email: z.string({ required_error: 'email is required' }),
  password: z.string({ required_error: 'password is required' }),
});

/** POST /api/register {email, password} → 201 {id, email, isAdmin} */
export const POST = withErrors(async ({ request }) => {
  const body = registerSchema.parse(await readJson(request));
  const user = await createUser(await db(), body);
  return Response.json(user, { status: 201 });
});
