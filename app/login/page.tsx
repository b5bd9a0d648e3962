import { Suspense } from 'react';
import { AuthForm } from '../_components/auth-form';

export default function LoginPage() {
  return (
    <Suspense>
      <AuthForm mode="login" />
    </Suspense>
  );
}
