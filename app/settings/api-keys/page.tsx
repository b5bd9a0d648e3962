import { SCOPE_DESCRIPTIONS, userScopes } from '@/lib/auth/api-key-scopes';
import { requireUser } from '../../_components/require-user';
import { ApiKeyManager } from './api-key-manager';

export default async function ApiKeysPage() {
  const user = await requireUser('/settings/api-keys');
  // The scopes this user may grant, with the line that explains each (admin: admins only).
  const scopes = userScopes(user).map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] }));
  return <ApiKeyManager scopes={scopes} />;
}
