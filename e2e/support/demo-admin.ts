/**
 * The demo admin the bootstrap made for this stack (its login is kept in the data dir, mode
 * 0600): the e2e suite's admin, since the first account of an installation is the admin.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { clientAddress, logIn, type TestUser } from '../fixtures';
import { E2E_APP_URL, SAME_ORIGIN, stackInfo } from './stack-info';

export function demoAdmin(): TestUser {
  const login = JSON.parse(
    readFileSync(path.join(stackInfo().dataDir, 'demo-login.json'), 'utf8'),
  ) as { email: string; password: string };
  return { id: 'demo', ...login };
}

/** A request context logged in as the demo admin (dispose it when done). */
export async function adminRequest(): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({
    baseURL: E2E_APP_URL,
    extraHTTPHeaders: { ...SAME_ORIGIN, ...clientAddress() },
  });
  await logIn(context, demoAdmin());
  return context;
}
