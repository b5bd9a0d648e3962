import pino from 'pino';

/** Structured logger: fixed messages, data in fields, never secrets or personal data. */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { svc: 'app' },
  redact: ['password', 'token', 'apiKey', 'authorization', '*.password', '*.token'],
});
