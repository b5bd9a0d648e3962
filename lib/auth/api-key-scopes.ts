/**
 * What an API key may do (decision 023). Every /api/v1 route declares the scope it needs in
 * withAuth (lib/auth/with-auth.ts); a caller's scopes are those of its key, narrowed by what
 * its owner may do now (an owner demoted from admin loses `admin` on every key at once). The
 * login cookie carries every scope its user has.
 */
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';

export const ApiKeyScope = z.enum(['read', 'sessions', 'avatars', 'admin']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** The scopes in their canonical order (the order lists and messages use). */
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ApiKeyScope.options;

/** One line per scope, for the settings page, the OpenAPI document and docs/api.md. */
export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  read: 'Read your avatars, sessions, bookings, transcripts, usage and keys (GET requests).',
  sessions: 'Start and stop sessions, make the avatar speak, issue tokens, run rooms, book.',
  avatars: 'Create, change and delete avatars and their speech, conversation and model settings.',
  admin: 'Admin routes (/api/v1/admin): users, invites, the pool, all bookings. Admins only.',
};

/** What a user may do at all: everything, and `admin` only if they are an admin. */
export function userScopes(user: { isAdmin: boolean }): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((scope) => scope !== 'admin' || user.isAdmin);
}

/** A key's scopes as its owner may use them now, in canonical order, unknown strings dropped. */
export function effectiveScopes(
  keyScopes: readonly string[],
  owner: { isAdmin: boolean },
): ApiKeyScope[] {
  const held = new Set(keyScopes);
  return userScopes(owner).filter((scope) => held.has(scope));
}

export const isScope = (value: string): value is ApiKeyScope =>
  (API_KEY_SCOPES as readonly string[]).includes(value);

/** The known scopes among stored strings, in canonical order. */
export const knownScopes = (stored: readonly string[]): ApiKeyScope[] =>
  normalizeScopes(stored.filter(isScope));

/** Sorted, without duplicates. */
export function normalizeScopes(scopes: readonly ApiKeyScope[]): ApiKeyScope[] {
  const wanted = new Set(scopes);
  return API_KEY_SCOPES.filter((scope) => wanted.has(scope));
}

/**
 * 403 `insufficient_scope` naming the scopes the caller lacks, if it lacks any of `required`.
 * @param what what the caller tried, for the message ("this request", "grant these scopes")
 */
export function assertScopes(
  held: readonly ApiKeyScope[],
  required: readonly ApiKeyScope[],
  what = 'make this request',
): void {
  const missing = normalizeScopes(required.filter((scope) => !held.includes(scope)));
  if (missing.length === 0) return;
  const names = missing.map((s) => `"${s}"`).join(' and ');
  throw new ApiError(
    'insufficient_scope',
    `This API key lacks the ${names} scope${missing.length > 1 ? 's' : ''} needed to ${what}. ` +
      'Use a key that has it (Settings → API keys), or log in.',
    {},
    { missingScopes: missing },
  );
}
