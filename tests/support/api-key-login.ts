/**
 * Signs in to a running app with email and password the way the login page does (next-auth
 * credentials: CSRF token, then the callback) and creates an API key with the login cookie,
 * for test tools that speak to the API with `Authorization: Bearer <key>` (schemathesis).
 */

/** Cookies of a response as `name=value` pairs, for the next request's Cookie header. */
function cookiesOf(response: Response, jar: Map<string, string>): void {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

export interface ApiKeyLogin {
  /** The key, `Authorization: Bearer <key>`. */
  key: string;
  /** Its id (DELETE /api/v1/api-keys/:id revokes it). */
  id: string;
}

/**
 * Logs in as `email` on `appUrl` and creates an API key named `name`, with `scopes` (default:
 * the app's default, everything but `admin`).
 */
export async function createApiKeyByLogin(options: {
  appUrl: string;
  email: string;
  password: string;
  name: string;
  scopes?: string[];
}): Promise<ApiKeyLogin> {
  const { appUrl } = options;
  const jar = new Map<string, string>();
  const csrfResponse = await fetch(new URL('/api/auth/csrf', appUrl));
  cookiesOf(csrfResponse, jar);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const login = await fetch(new URL('/api/auth/callback/credentials', appUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({
      csrfToken,
      email: options.email,
      password: options.password,
      callbackUrl: appUrl,
      json: 'true',
    }),
  });
  cookiesOf(login, jar);
  if (![...jar.keys()].some((name) => name.endsWith('next-auth.session-token'))) {
    throw new Error(`login as ${options.email} failed: ${login.status}, no session cookie`);
  }
  const created = await fetch(new URL('/api/v1/api-keys', appUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: cookieHeader(jar),
      // Cookie writes must come from the app's own origin (lib/auth/same-origin.ts).
      origin: new URL(appUrl).origin,
    },
    body: JSON.stringify({
      name: options.name,
      ...(options.scopes ? { scopes: options.scopes } : {}),
    }),
  });
  if (created.status !== 201) {
    throw new Error(`creating an API key failed: ${created.status} ${await created.text()}`);
  }
  return (await created.json()) as ApiKeyLogin;
}

/**
 * An API key of the demo admin a fresh stack's bootstrap made (scripts/lib/stack.mjs), for
 * suites and benchmarks that drive a whole platform through its API.
 */
export async function demoApiKey(
  stack: {
    urls: { app: string };
    bootstrap: { demo?: { email: string; password?: string } | null };
  },
  name: string,
  scopes?: string[],
): Promise<ApiKeyLogin> {
  const demo = stack.bootstrap.demo;
  if (!demo?.password) throw new Error('the bootstrap made no demo admin with a password');
  return createApiKeyByLogin({
    appUrl: stack.urls.app,
    email: demo.email,
    password: demo.password,
    name,
    ...(scopes ? { scopes } : {}),
  });
}
