import { Suspense } from 'react';
import { AuthForm } from '../_components/auth-form';

export default function RegisterPage() {
  return (
    <Suspense>
      <AuthForm mode="register" />
    </Suspense>
  );
}
