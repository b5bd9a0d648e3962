/**
 * Where to go after logging in: the `callbackUrl` a protected page sent the visitor here with,
 * but only a path on this site. Anything else (`https://evil.example`, `//evil.example`,
 * `/\evil.example`, `javascript:`) would make the login page an open redirect, so it falls
 * back to the avatars page. Runs in the browser (auth-form.tsx): no server imports.
 */

export const DEFAULT_AFTER_LOGIN = '/avatars';

/** A same-site path (with its query and hash) from `callbackUrl`, or the default. */
export function afterLoginPath(callbackUrl: string | null | undefined): string {
  if (!callbackUrl || !callbackUrl.startsWith('/')) return DEFAULT_AFTER_LOGIN;
  // Resolved against a stand-in origin: a value that leaves it names another site.
  const base = 'http://facecast.invalid';
  let url: URL;
  try {
    url = new URL(callbackUrl, base);
  } catch {
    return DEFAULT_AFTER_LOGIN;
  }
  if (url.origin !== base) return DEFAULT_AFTER_LOGIN;
  return `${url.pathname}${url.search}${url.hash}`;
}
