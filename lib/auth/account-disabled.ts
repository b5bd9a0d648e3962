/**
 * A disabled account (User.disabledAt set by an admin) is refused on every way in: the login
 * form, an existing login cookie and its API keys. The message is the same everywhere.
 */
import { ApiError } from '@/lib/api/errors';

export const ACCOUNT_DISABLED_MESSAGE =
  'This account is disabled. Ask an admin of this Facecast to enable it again.';

/** Throws 403 `forbidden` when the account is disabled. */
export function assertAccountEnabled(user: { disabledAt: Date | null }): void {
  if (user.disabledAt !== null) throw new ApiError('forbidden', ACCOUNT_DISABLED_MESSAGE);
}
