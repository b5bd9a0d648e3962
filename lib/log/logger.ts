import pino from 'pino';

/**
 * Structured logger: fixed messages, data in fields, never secrets or personal data.
 * LOG_LEVEL is read directly (not through env()) because the CLI and bootstrap log too and
 * run without the app's secrets; lib/config/env.ts validates it for the app.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { svc: 'app' },
  redact: ['password', 'token', 'apiKey', 'authorization', '*.password', '*.token'],
});
