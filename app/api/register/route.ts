import { readJson } from '@/lib/api/errors';
import { withErrors } from '@/lib/auth/with-auth';
import { db } from '@/lib/db/db';
import { createUser } from '@/lib/users/create-user';

/** POST /api/register {email, password} → 201 {id, email, isAdmin} */
export const POST = withErrors(async ({ request }) => {
  const body = (await readJson(request)) as { email?: unknown; password?: unknown };
  const user = await createUser(await db(), {
    email: String(body.email ?? ''),
    password: String(body.password ?? ''),
  });
  return Response.json(user, { status: 201 });
});
