import { requireUser } from '../../_components/require-user';
import { ApiKeyManager } from './api-key-manager';

export default async function ApiKeysPage() {
  await requireUser('/settings/api-keys');
  return <ApiKeyManager />;
}
