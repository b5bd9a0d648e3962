import { requireUser } from '../../_components/require-user';
import { LogoutEverywhere } from './logout-everywhere';
import { PasswordForm } from './password-form';

export default async function AccountPage() {
  const user = await requireUser('/settings/account');
  return (
    <>
      <h1>Account</h1>
      <p className="muted">
        Logged in as {user.email}
        {user.isAdmin ? ' (admin)' : ''}.
      </p>
      <PasswordForm />
      <LogoutEverywhere />
    </>
  );
}
