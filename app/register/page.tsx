import { Suspense } from 'react';
import { db } from '@/lib/db/db';
import { registrationStatus } from '@/lib/registration/registration-status';
import { AuthForm } from '../_components/auth-form';

/**
 * Registration under the current mode (docs/admin.md): the form when this visitor can
 * register (an invite link's `?invite=` is passed on), otherwise the reason and a way on.
 */
export default async function RegisterPage({
  searchParams,
}: {
  searchParams: Promise<{ invite?: string | string[] }>;
}) {
  const raw = (await searchParams).invite;
  const invite = typeof raw === 'string' && raw.length <= 200 ? raw : undefined;
  const status = await registrationStatus(await db(), { invite });
  if (!status.canRegister) {
    return (
      <section className="card narrow" aria-labelledby="register-title">
        <h1 id="register-title">Create an account</h1>
        <p className="notice" role="status">
          {status.message}
        </p>
        <a href="/login">Already registered? Log in</a>
      </section>
    );
  }
  return (
    <Suspense>
      <AuthForm mode="register" invite={invite} notice={status.message ?? undefined} />
    </Suspense>
  );
}
