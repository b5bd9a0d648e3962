/** Structured logging for the worker host and its session processes. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Creates the process logger. Secrets are redacted by path as a second line of defence; the
 * code never logs them on purpose.
 */
export function createLogger(options: {
  level: LevelWithSilent;
  name: string;
  base?: Record<string, unknown>;
}): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { pid: process.pid, ...options.base },
    redact: [
      'secret',
      'apiSecret',
      'apiKey',
      'token',
      'authorization',
      '*.apiSecret',
      '*.apiKey',
      '*.*.apiKey',
      '*.token',
    ],
  });
}
